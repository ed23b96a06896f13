"""Catalog data and model resolution (paths, names, packages, Hugging Face cache offline)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rdebug.config import Config
from rdebug.errors import ModelError
from rdebug.runtime.catalog import load_catalog
from rdebug.runtime.sources import installed_models, resolve_model

ROOT = Path(__file__).resolve().parents[2]


def test_models_catalog_is_a_copy_of_package_data():
    assert (ROOT / "models/catalog.toml").read_text() == (ROOT / "src/rdebug/data/catalog.toml").read_text()


def test_required_entries_and_recommendations():
    cat = load_catalog()
    names = set(cat.models)
    for required in ["qwen2.5-coder-1.5b-instruct", "qwen3-0.6b", "qwen3-1.7b", "qwen3-4b", "qwen3-8b",
                     "deepseek-r1-distill-qwen-1.5b", "deepseek-r1-distill-qwen-7b", "gpt-oss-20b",
                     "phi-4-reasoning", "smollm2-135m-instruct"]:
        assert required in names
    assert cat.default == Config().model == "qwen2.5-coder-1.5b-instruct"
    r1 = cat.get("deepseek-r1-distill-qwen-1.5b")
    assert (r1.sampling.temperature, r1.sampling.top_p, r1.system_prompt) == (0.6, 0.95, False)
    q3 = cat.get("qwen3-4b")
    assert (q3.sampling.temperature, q3.sampling.top_p, q3.sampling.top_k, q3.sampling.min_p) == (0.6, 0.95, 20, 0.0)
    oss = cat.get("gpt-oss-20b")
    assert (oss.thinking, oss.sampling.temperature, oss.sampling.top_p) == ("harmony", 1.0, 1.0)
    default = cat.get(cat.default)
    assert default.thinking == "prompted" and default.pypi_chunks["count"] == 22


def test_for_file_by_pattern_and_template():
    cat = load_catalog()
    assert cat.for_file("/m/Qwen3-14B-Q4_K_M.gguf").family == "qwen3"
    assert cat.for_file("/m/Qwen3-4B-Q4_K_M.gguf").name == "qwen3-4b"
    unknown = cat.for_metadata("/m/mystery.gguf", "{% if add_generation_prompt %}<|im_start|>assistant\n<think>\n{% endif %}")
    assert (unknown.thinking, unknown.starts_in_thought) == ("think-tags", True)
    assert cat.for_metadata("/m/x.gguf", "<|channel|>").thinking == "harmony"


def test_resolve_path_and_name(tmp_path, cfg):
    f = tmp_path / "my.gguf"
    f.write_bytes(b"GGUF")
    assert resolve_model(str(f), cfg).path == f.resolve()
    mdir = Path(cfg.models_dir)
    mdir.mkdir()
    (mdir / "Qwen3-0.6B-Q8_0.gguf").write_bytes(b"GGUF")
    r = resolve_model("qwen3-0.6b", cfg)
    assert r.source == "models-dir" and r.entry.thinking == "think-tags"
    assert any(m.entry.name == "qwen3-0.6b" for m in installed_models(cfg))


def test_resolve_package_model(cfg, smollm2):
    r = resolve_model("smollm2-135m-instruct", cfg)
    assert r.path == smollm2 and r.source == "package"


def test_missing_model_lists_installed_and_pull(cfg):
    with pytest.raises(ModelError) as err:
        resolve_model("qwen3-8b", cfg)
    assert "rdebug models pull" in err.value.message and "installed" in err.value.message
    with pytest.raises(ModelError, match="model file not found"):
        resolve_model("/nowhere/x.gguf", cfg)
    with pytest.raises(ModelError, match="unknown model"):
        resolve_model("no-such-model", cfg)


def _fake_hf_cache(root: Path, repo: str, fname: str, data: bytes) -> Path:
    base = root / ("models--" + repo.replace("/", "--"))
    snap = base / "snapshots" / ("a" * 40)
    snap.mkdir(parents=True)
    (base / "refs").mkdir()
    (base / "refs" / "main").write_text("a" * 40)
    (snap / fname).write_bytes(data)
    return snap / fname


def test_hf_spec_from_offline_cache(tmp_path, cfg, monkeypatch):
    cache = tmp_path / "hub"
    expected = _fake_hf_cache(cache, "org/repo", "tiny.gguf", b"GGUF")
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import huggingface_hub.constants as hc

    monkeypatch.setattr(hc, "HF_HUB_CACHE", str(cache))
    monkeypatch.setattr(hc, "HF_HUB_OFFLINE", True)
    r = resolve_model("hf:org/repo/tiny.gguf", cfg)
    assert r.path == expected and r.source == "hf"
    with pytest.raises(ModelError, match="not in the Hugging Face cache|cannot download"):
        resolve_model("hf:org/repo/absent.gguf", cfg)
    with pytest.raises(ModelError, match="expected hf:OWNER/REPO/FILE"):
        resolve_model("hf:justone", cfg)
