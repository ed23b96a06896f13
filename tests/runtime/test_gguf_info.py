"""GGUF header parsing: SmolLM2 metadata, and clear errors for bad files."""

from __future__ import annotations

import pytest

from rdebug.errors import ModelError
from rdebug.runtime.gguf_info import read_gguf


def test_smollm2_info(smollm2):
    info = read_gguf(smollm2)
    assert info.architecture == "llama"
    assert info.file_type == "Q4_1"
    assert info.context_length == 8192
    assert info.chat_template and "<|im_start|>" in info.chat_template
    assert info.data_end == info.size


def test_not_gguf(tmp_path):
    f = tmp_path / "model.gguf"
    f.write_text("<html>404 not found</html>")
    with pytest.raises(ModelError, match="not a GGUF"):
        read_gguf(f)
    f.write_bytes(b"")
    with pytest.raises(ModelError, match="empty"):
        read_gguf(f)


def test_truncated_header(tmp_path, smollm2):
    f = tmp_path / "cut.gguf"
    f.write_bytes(smollm2.read_bytes()[:5000])
    with pytest.raises(ModelError, match="truncated"):
        read_gguf(f)


def test_truncated_tensor_data(tmp_path, smollm2):
    f = tmp_path / "cut.gguf"
    data = smollm2.read_bytes()
    f.write_bytes(data[: len(data) - 1000])
    with pytest.raises(ModelError, match="truncated GGUF file .* tensors need"):
        read_gguf(f)


def test_missing(tmp_path):
    with pytest.raises(ModelError, match="not found"):
        read_gguf(tmp_path / "nope.gguf")
