"""The model worker's state once a model is loaded (``worker.load_model`` makes it; ``generation`` and
``parallel`` decode with it). A module of its own so that those three do not import each other for it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdebug.runtime.messages import WorkerOptions


@dataclass
class Loaded:
    """The worker's model state."""

    llm: Any  # llama_cpp.Llama
    options: WorkerOptions
    formatter: Any  # Jinja2ChatFormatter
    bos_text: str
    add_bos: bool
    n_ctx: int
    abort_cb: Any = None  # keeps the ctypes callback alive
    null_cb: Any = None
    cpu_share: Any = None  # rdebug.runtime.threads.CpuShare: fewer threads while other processes are busy
    n_seq: int = 1  # sequences the context decodes together (candidates; runtime/parallel.py)


def fim_tokens(llm: Any) -> tuple[int, int, int] | None:
    """The model's fill-in-the-middle tokens (prefix, suffix, middle), as llama.cpp reads them from the GGUF's
    tokenizer metadata (or recognises them by their text); None when the model has none."""
    from llama_cpp import llama_cpp as C

    vocab = llm._model.vocab
    ids = (C.llama_vocab_fim_pre(vocab), C.llama_vocab_fim_suf(vocab), C.llama_vocab_fim_mid(vocab))
    return ids if all(i >= 0 for i in ids) else None
