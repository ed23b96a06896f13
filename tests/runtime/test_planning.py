"""Engine-side planning for the worker: context size, memory fit, KV size, exit descriptions."""

from __future__ import annotations

import signal
from pathlib import Path

from rdebug.runtime.catalog import load_catalog
from rdebug.runtime.gguf_info import GGUFInfo, read_gguf
from rdebug.runtime.llama_backend import LlamaOptions, describe_exit, kv_bytes_per_token, plan_context
from rdebug.runtime.worker import fit_context


def info(ctx_len: int) -> GGUFInfo:
    meta = {"general.architecture": "qwen2", "qwen2.context_length": ctx_len, "qwen2.block_count": 28,
            "qwen2.attention.head_count": 12, "qwen2.attention.head_count_kv": 2, "qwen2.embedding_length": 1536}
    return GGUFInfo(Path("x.gguf"), 3, 0, meta, 0)


def test_kv_bytes_qwen2_5_1_5b():
    assert kv_bytes_per_token(info(32768), "f16") == 28 * 2 * 256 * 2
    assert kv_bytes_per_token(info(32768), "q8_0") < kv_bytes_per_token(info(32768), "f16")


def test_plan_context_never_tiny():
    entry = load_catalog().get("qwen2.5-coder-1.5b-instruct")
    assert plan_context(info(32768), entry, LlamaOptions()) == 16384
    assert plan_context(info(32768), entry, LlamaOptions(min_ctx=20000)) == 20000
    assert plan_context(info(8192), entry, LlamaOptions()) == 8192
    assert plan_context(info(32768), entry, LlamaOptions(ctx=4096)) == 4096
    assert plan_context(info(32768), entry, LlamaOptions(ctx=99999)) == 32768


def test_fit_context_shrinks_or_refuses():
    gib = 2**30
    assert fit_context(gib, 28672, 16384, 8 * gib) == 16384
    shrunk = fit_context(gib, 1 << 20, 16384, 8 * gib)
    assert 4096 <= shrunk < 16384
    assert fit_context(10 * gib, 28672, 16384, 8 * gib) == 0
    assert fit_context(gib, 28672, 16384, None) == 16384


def test_describe_exit():
    assert "signal 9" in describe_exit(-signal.SIGKILL) and "out of memory" in describe_exit(-9)
    assert "SIGSEGV" in describe_exit(-signal.SIGSEGV)
    assert describe_exit(1) == "exit code 1"


def test_smollm2_kv(smollm2):
    assert kv_bytes_per_token(read_gguf(smollm2), "f16") > 0


def test_log_tail_picks_assert(tmp_path):
    from rdebug.runtime.worker import log_tail

    log = tmp_path / "w.log"
    log.write_text("llama_model_loader: loaded\n#0 0x1 in foo\n/src/llama-sampler.cpp:940: GGML_ASSERT(logits != nullptr) failed\n[Inferior 1 detached]\n")
    assert "GGML_ASSERT(logits != nullptr)" in log_tail(str(log))
    assert log_tail(str(tmp_path / "missing.log")) == ""
