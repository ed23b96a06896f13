"""Tiny GGUF fixtures: SmolLM2's weights with another family's real chat template (gguf reader+writer)."""

from __future__ import annotations

import struct
from pathlib import Path

# Trimmed from the models' own templates; the generation-prompt parts are verbatim.
QWEN3_TEMPLATE = (
    "{%- for message in messages %}{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}"
    "{%- endfor %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}"
    "{%- if enable_thinking is defined and enable_thinking is false %}{{- '<think>\\n\\n</think>\\n\\n' }}{%- endif %}"
    "{%- endif %}"
)
DEEPSEEK_R1_TEMPLATE = (
    "{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}"
    "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}"
    "{{ '<｜User｜>' + message['content'] }}{% elif message['role'] == 'assistant' %}"
    "{{ '<｜Assistant｜>' + message['content'] + '<｜end▁of▁sentence｜>' }}{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<｜Assistant｜><think>\\n' }}{% endif %}"
)
GPT_OSS_TEMPLATE = (
    "{%- for message in messages %}{{- '<|start|>' + message.role + '<|message|>' + message.content + '<|end|>' }}"
    "{%- endfor %}{%- if add_generation_prompt %}<|start|>assistant{%- endif %}"
)


def with_templates(src: Path, targets: dict[Path, str]) -> None:
    """Copy the GGUF ``src`` to each target path with ``tokenizer.chat_template`` replaced.

    Header fields and tensor infos are copied byte for byte (tensor offsets are relative to the data
    section), the data section raw; only the template key/value and the alignment padding change.
    """
    import gguf

    reader = gguf.GGUFReader(src)
    raw = src.read_bytes()

    def end(field) -> int:
        return field.offset + sum(p.nbytes for p in field.parts)

    key = gguf.Keys.Tokenizer.CHAT_TEMPLATE
    kv = [f for f in reader.fields.values() if not f.name.startswith("GGUF.") and f.name != key]
    infos = raw[end(list(reader.fields.values())[-1]) : max(end(t.field) for t in reader.tensors)]
    for dst, template in targets.items():
        name, value = key.encode(), template.encode()
        new_kv = struct.pack("<Q", len(name)) + name + struct.pack("<IQ", gguf.GGUFValueType.STRING, len(value)) + value
        body = b"".join(raw[f.offset : end(f)] for f in kv) + new_kv
        head = raw[:8] + struct.pack("<QQ", len(reader.tensors), len(kv) + 1) + body + infos
        head += b"\0" * (-len(head) % int(reader.alignment))
        with dst.open("wb") as out:
            out.write(head)
            out.write(raw[reader.data_offset :])
