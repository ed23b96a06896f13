"""`rdebug models list|info|pull` and `rdebug doctor` (JSON output)."""

from __future__ import annotations

import json

from rdebug.cli import main


def run_json(capsys, argv):
    code = main(argv)
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else None


def test_models_list(capsys, tmp_path, smollm2):
    code, doc = run_json(capsys, ["models", "list", "--json", "--models-dir", str(tmp_path)])
    assert code == 0 and doc["models_dir"] == str(tmp_path)
    assert any(f["path"] == str(smollm2) and f["model"] == "smollm2-135m-instruct" for f in doc["installed"])
    names = {r["name"]: r for r in doc["catalog"]}
    assert names["qwen2.5-coder-1.5b-instruct"]["default"]
    assert names["smollm2-135m-instruct"]["installed"]


def test_models_info(capsys, smollm2):
    code, doc = run_json(capsys, ["models", "info", str(smollm2), "--json"])
    assert code == 0
    assert (doc["architecture"], doc["file_type"], doc["context_length"]) == ("llama", "Q4_1", 8192)
    assert doc["chat_template"] is True and doc["thinking_markers"] == "none"


def test_models_info_bad_file(capsys, tmp_path):
    bad = tmp_path / "x.gguf"
    bad.write_text("nope")
    assert main(["models", "info", str(bad)]) == 3
    assert "not a GGUF" in capsys.readouterr().err


def test_models_pull_unknown(capsys, tmp_path):
    assert main(["models", "pull", "nonexistent-model", "--models-dir", str(tmp_path)]) == 3
    assert "unknown model" in capsys.readouterr().err


def test_doctor(capsys, tmp_path):
    code, doc = run_json(capsys, ["doctor", "--json", "--models-dir", str(tmp_path), "--model", "qwen3-8b"])
    assert code == 0
    assert doc["versions"]["rdebug"] and doc["models_dir"] == str(tmp_path)
    assert doc["model_spec"] == "qwen3-8b" and doc["model_exists"] is False
    assert "gpu_offload" in doc
