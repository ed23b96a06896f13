"""The worker's load path with a simulated GPU: allocation failures fall back (and say so), the stats
come from llama.cpp's own log, a failed load keeps its log; the model that finally loads is the real
SmolLM2 on this machine's CPU. Also the ``--flash-attn`` setting end to end."""

from __future__ import annotations

import ctypes
import importlib.util
from pathlib import Path

import pytest

from rdebug.events import Error, ModelReady, Status
from rdebug.runtime.gpu import DeviceInfo
from rdebug.runtime.llama_backend import LlamaBackend, LlamaOptions
from rdebug.runtime.messages import Batch, WorkerOptions
from rdebug.runtime.offload import GiB

needs_llama = pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None,
                                 reason="llama-cpp-python is not installed")
ALLOC_LINE = "llama_model_load: error loading model: unable to allocate CUDA0 buffer"


class Conn:
    """The engine end of the pipe, for a worker function run in this process."""

    def __init__(self) -> None:
        self.events: list = []

    def send(self, msg) -> None:
        if isinstance(msg, Batch):
            self.events.extend(msg.events)


def worker_options(model: Path) -> WorkerOptions:
    return WorkerOptions(path=str(model), display="SmolLM2", n_ctx=1024, threads=1, repack=False,
                         kv_bytes_per_token=23040, n_layer=30, min_ctx=512)


@pytest.fixture
def fake_gpu(monkeypatch):
    """llama.cpp believes it can offload to an H200; every load that asks for GPU layers runs out of memory."""
    import llama_cpp

    from rdebug.runtime import gpu, loadlog

    real = llama_cpp.Llama
    asked: list[tuple[int, int]] = []

    def llama(**kw):
        asked.append((kw["n_gpu_layers"], kw["n_ctx"]))
        if kw["n_gpu_layers"] != 0:
            loadlog.active().feed(loadlog.ERROR, ALLOC_LINE + "\n")
            raise ValueError(f"Failed to load model from file: {kw['model_path']}")
        return real(**kw)

    monkeypatch.setattr(llama_cpp, "llama_supports_gpu_offload", lambda: True)
    monkeypatch.setattr(llama_cpp, "Llama", llama)
    monkeypatch.setattr(gpu, "list_devices",
                        lambda memory=True: [DeviceInfo("CUDA0", "NVIDIA H200", "gpu", 100 * GiB, 139 * GiB)])
    return asked


@pytest.mark.model
@needs_llama
def test_allocation_failures_fall_back_to_fewer_layers_a_smaller_context_then_the_cpu(smollm2, fake_gpu):
    from rdebug.runtime.worker import load_model

    conn = Conn()
    state = load_model(worker_options(smollm2), conn)
    try:
        assert fake_gpu == [(-1, 1024), (15, 1024), (15, 512), (0, 1024)]
        notes = [e.message for e in conn.events if isinstance(e, Status)]
        assert len(notes) == 3 and all(ALLOC_LINE in n for n in notes)
        assert "retrying with 15/31 layers" in notes[0] and "retrying with the CPU" in notes[-1]
        stats = next(e for e in conn.events if isinstance(e, ModelReady)).stats
        assert (stats.backend, stats.gpu_layers, stats.n_ctx) == ("cpu", 0, 1024)
        assert stats.extra["offload_notes"] == notes
    finally:
        state.llm.close()


@pytest.mark.model
@needs_llama
def test_the_stats_report_what_llama_cpp_logged_not_what_was_requested(smollm2, monkeypatch):
    import llama_cpp

    from rdebug.runtime import loadlog
    from rdebug.runtime.worker import load_model

    real = llama_cpp.Llama

    def llama(**kw):  # a CUDA build would log these; this CPU build then loads for real
        log = loadlog.active()
        log.feed(loadlog.INFO, "llama_model_load_from_file_impl: using device CUDA0 (NVIDIA H200) (0000:00:05.0) "
                               "- 142745 MiB free\n")
        log.feed(loadlog.INFO, "load_tensors: offloaded 20/31 layers to GPU\n")
        return real(**kw)

    monkeypatch.setattr(llama_cpp, "Llama", llama)
    conn = Conn()
    state = load_model(worker_options(smollm2), conn)
    try:
        stats = next(e for e in conn.events if isinstance(e, ModelReady)).stats
        assert (stats.backend, stats.gpu_layers, stats.gpu_layers_total) == ("cuda", 20, 31)
        assert stats.device == "CUDA0 (NVIDIA H200)"
    finally:
        state.llm.close()


@needs_llama
def test_the_quiet_log_callback_is_restored_after_a_capture():
    import llama_cpp
    from llama_cpp import _logger
    from llama_cpp import llama_cpp as C

    from rdebug.runtime.loadlog import capture

    def current() -> int | None:
        cb, user = C.llama_log_callback(), ctypes.c_void_p()
        C.llama_log_get(ctypes.byref(cb), ctypes.byref(user))
        return ctypes.cast(cb, ctypes.c_void_p).value

    quiet = ctypes.cast(_logger.llama_log_callback, ctypes.c_void_p).value
    assert llama_cpp and current() == quiet
    with capture(echo_fd=None):
        assert current() != quiet
    assert current() == quiet


def alloc_fails_on_the_cpu(conn, cancel, log_path=None) -> None:
    """Worker entry point: every load runs out of memory as llama.cpp says it when it does."""
    import llama_cpp

    from rdebug.runtime import loadlog, worker

    def llama(**kw):
        loadlog.active().feed(loadlog.ERROR, "llama_model_load: error loading model: unable to allocate CPU buffer\n")
        raise ValueError(f"Failed to load model from file: {kw['model_path']}")

    llama_cpp.Llama = llama
    worker.worker_main(conn, cancel, log_path)


@pytest.mark.model
@needs_llama
def test_a_failed_load_names_llama_cpps_line_and_keeps_the_worker_log(smollm2):
    b = LlamaBackend(smollm2, LlamaOptions(ctx=1024, threads=1, repack=False))
    b.worker_target = alloc_fails_on_the_cpu
    events = list(b.load())
    err = events[-1]
    assert isinstance(err, Error) and err.fatal
    assert "unable to allocate CPU buffer" in err.message and "not enough memory" in err.message
    log = Path(b.log_path)
    try:
        assert str(log) in err.message
        assert "unable to allocate CPU buffer" in log.read_text()
    finally:
        log.unlink(missing_ok=True)


def test_flash_attn_off_with_a_q8_0_cache_is_refused_before_any_worker_starts(smollm2):
    b = LlamaBackend(smollm2, LlamaOptions(ctx=1024, kv_type="q8_0", flash_attn="off"))
    events = list(b.load())
    assert isinstance(events[-1], Error) and events[-1].fatal and "--flash-attn off" in events[-1].message
    assert b.worker_pid is None


def test_the_flash_attn_flag_and_config_key(tmp_path):
    from rdebug.cli import _cli_overrides, build_parser
    from rdebug.config import load_config
    from rdebug.errors import ConfigError

    args = build_parser("ask").parse_args(["--flash-attn", "off", "question"])
    cfg = load_config(tmp_path, _cli_overrides(args), environ={})
    assert cfg.flash_attn == "off" and LlamaOptions.from_config(cfg).flash_attn == "off"
    assert load_config(tmp_path, {}, environ={}).flash_attn == "auto"
    assert load_config(tmp_path, {}, environ={"RDEBUG_FLASH_ATTN": "on"}).flash_attn == "on"
    with pytest.raises(ConfigError, match="flash_attn"):
        load_config(tmp_path, {}, environ={"RDEBUG_FLASH_ATTN": "sometimes"})
