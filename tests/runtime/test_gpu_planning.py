"""GPU offload without a GPU: the VRAM estimate, the fallback chain on simulated allocation failures,
the log-line parsing and the flash-attention choice (all pure; no model is loaded)."""

from __future__ import annotations

import pytest

from rdebug.runtime.flash import AUTO, DISABLED, ENABLED, FlashConflict, choose_flash_attn
from rdebug.runtime.gpu import DeviceInfo, backend_kind, explain_import_error, free_gpu_memory
from rdebug.runtime.loadlog import CONT, ERROR, INFO, WARN, LoadLog, describe_offload
from rdebug.runtime.offload import (
    GiB, AllocationFailed, LoadAttempt, LoadFailed, estimate_vram, fallback_attempts, load_with_fallback,
    plan_offload,
)

# a 7B-like model: 32 blocks, 4 GiB of weights, 128 KiB of f16 KV per token
WEIGHTS, N_LAYER, KV = 4 * GiB, 32, 128 << 10


# --- the VRAM estimate ------------------------------------------------------
def test_vram_estimate_is_weights_plus_kv_for_the_context_plus_a_reserve():
    full = estimate_vram(WEIGHTS, N_LAYER, KV, 8192, -1)
    assert full == WEIGHTS + KV * 8192 + (512 << 20)
    half = estimate_vram(WEIGHTS, N_LAYER, KV, 8192, 16)
    assert WEIGHTS * 16 / 33 + KV * 8192 / 2 < half < full
    assert estimate_vram(WEIGHTS, N_LAYER, KV, 8192, 0) == 0
    assert estimate_vram(WEIGHTS, N_LAYER, KV, 32768, -1) > full  # a larger context needs more


def test_plan_keeps_every_layer_when_they_fit():
    plan = plan_offload(WEIGHTS, N_LAYER, KV, 8192, -1, free=24 * GiB, device="CUDA0")
    assert plan == LoadAttempt(-1, 8192)


def test_plan_offloads_fewer_layers_when_the_free_memory_is_short_and_says_so():
    plan = plan_offload(WEIGHTS, N_LAYER, KV, 8192, -1, free=4 * GiB, device="CUDA0")
    assert 0 < plan.gpu_layers < N_LAYER + 1 and plan.n_ctx == 8192
    assert estimate_vram(WEIGHTS, N_LAYER, KV, 8192, plan.gpu_layers) <= 4 * GiB
    assert estimate_vram(WEIGHTS, N_LAYER, KV, 8192, plan.gpu_layers + 1) > 4 * GiB * 0.92
    assert "CUDA0 has 4.0 GiB free" in plan.note and f"offloading {plan.gpu_layers}/33 layers" in plan.note


def test_plan_runs_on_the_cpu_when_not_even_one_layer_fits():
    plan = plan_offload(WEIGHTS, N_LAYER, KV, 8192, -1, free=256 << 20, device="Metal")
    assert plan.gpu_layers == 0 and "running on the CPU" in plan.note


def test_plan_without_a_free_memory_reading_asks_for_what_was_requested():
    assert plan_offload(WEIGHTS, N_LAYER, KV, 8192, -1, free=None) == LoadAttempt(-1, 8192)


def test_free_memory_comes_from_the_device_api_first():
    devices = [DeviceInfo("CUDA0", "NVIDIA H200", "gpu", 130 * GiB, 139 * GiB), DeviceInfo("CPU", "Xeon", "cpu")]
    assert free_gpu_memory(devices) == (130 * GiB, "CUDA0")


# --- the fallback chain -----------------------------------------------------
def test_fallback_order_is_fewer_layers_then_a_smaller_context_then_the_cpu():
    chain = fallback_attempts(LoadAttempt(-1, 16384), N_LAYER, min_ctx=4096, cpu_ctx=12288)
    assert [(a.gpu_layers, a.n_ctx) for a in chain] == [(-1, 16384), (16, 16384), (16, 8192), (0, 12288)]
    assert fallback_attempts(LoadAttempt(0, 4096), N_LAYER, 2048, 4096) == [LoadAttempt(0, 4096)]
    # the context never goes below what the prompt needs, and no CPU step when RAM cannot hold it either
    chain = fallback_attempts(LoadAttempt(10, 8192), N_LAYER, min_ctx=8192, cpu_ctx=0)
    assert [(a.gpu_layers, a.n_ctx) for a in chain] == [(10, 8192), (5, 8192)]


def _loader(fail: int, line: str = "llama_model_load: error loading model: unable to allocate CUDA0 buffer"):
    tried: list[LoadAttempt] = []

    def try_load(attempt: LoadAttempt) -> str:
        tried.append(attempt)
        if len(tried) <= fail:
            raise AllocationFailed(line)
        return "llm"

    return tried, try_load


def test_allocation_failures_walk_down_the_chain_saying_what_was_done():
    chain = fallback_attempts(LoadAttempt(-1, 16384), N_LAYER, min_ctx=4096, cpu_ctx=12288)
    tried, try_load = _loader(fail=3)
    said: list[str] = []
    llm, used, notes = load_with_fallback(chain, try_load, said.append, N_LAYER)
    assert llm == "llm" and used == LoadAttempt(0, 12288) and tried == chain
    assert notes == said and len(notes) == 3
    assert "not enough memory for 33/33 layers on the GPU" in notes[0] and "retrying with 16/33 layers" in notes[0]
    assert "a 8192-token context" in notes[1] and "retrying with the CPU" in notes[2]
    assert all("unable to allocate CUDA0 buffer" in n for n in notes)


def test_a_first_allocation_failure_then_success_with_fewer_layers():
    chain = fallback_attempts(LoadAttempt(-1, 8192), N_LAYER, 4096, 8192)
    tried, try_load = _loader(fail=1)
    _, used, notes = load_with_fallback(chain, try_load, lambda _: None, N_LAYER)
    assert used.gpu_layers == 16 and len(tried) == 2 and len(notes) == 1


def test_the_plan_note_is_said_before_loading():
    plan = plan_offload(WEIGHTS, N_LAYER, KV, 8192, -1, free=4 * GiB, device="CUDA0")
    _, try_load = _loader(fail=0)
    _, used, notes = load_with_fallback([plan], try_load, lambda _: None, N_LAYER)
    assert used == plan and notes == [plan.note]


def test_when_every_attempt_runs_out_of_memory_the_error_keeps_llama_cpps_line():
    chain = fallback_attempts(LoadAttempt(-1, 8192), N_LAYER, 8192, 0)
    _, try_load = _loader(fail=99)
    with pytest.raises(LoadFailed, match="not enough memory.*unable to allocate CUDA0 buffer"):
        load_with_fallback(chain, try_load, lambda _: None, N_LAYER)


def test_other_load_errors_are_not_retried():
    calls = []

    def try_load(attempt):
        calls.append(attempt)
        raise LoadFailed("could not load m: Failed to load model from file (llama.cpp: unknown model architecture)")

    with pytest.raises(LoadFailed, match="unknown model architecture"):
        load_with_fallback(fallback_attempts(LoadAttempt(-1, 8192), N_LAYER, 2048, 8192), try_load,
                           lambda _: None, N_LAYER)
    assert len(calls) == 1


# --- llama.cpp's log lines --------------------------------------------------
CUDA_LOAD = [
    (INFO, "llama_model_load_from_file_impl: using device CUDA0 (NVIDIA H200) (0000:00:05.0) - 142745 MiB free\n"),
    (INFO, "load_tensors: offloading output layer to GPU\n"),
    (INFO, "load_tensors: offloading 29 repeating layers to GPU\n"),
    (INFO, "load_tensors: offloaded 30/31 layers to GPU\n"),
    (INFO, "load_tensors:        CUDA0 model buffer size =    80.00 MiB\n"),
    (INFO, "resolve_fused_ops: Flash Attention enabled\n"),
]


def test_the_offload_line_and_the_device_are_read_from_the_log():
    log = LoadLog()
    for level, text in CUDA_LOAD:
        log.feed(level, text)
    assert log.offload == (30, 31)
    assert log.devices == [("CUDA0", "NVIDIA H200")]
    assert log.flash_attn is True and log.alloc_failure is None
    offload = describe_offload(log, n_layer=30)
    assert (offload.backend, offload.layers, offload.total, offload.device) == ("cuda", 30, 31, "CUDA0 (NVIDIA H200)")


def test_no_offload_line_means_the_cpu_whatever_was_requested():
    log = LoadLog()
    log.feed(INFO, "load_tensors:   CPU_Mapped model buffer size =    92.10 MiB\n")
    offload = describe_offload(log, n_layer=30)
    assert (offload.backend, offload.layers, offload.total, offload.device) == ("cpu", 0, 31, "")
    log.feed(INFO, "load_tensors: offloaded 0/31 layers to GPU\n")  # a GPU build asked for 0 layers
    assert describe_offload(log, 30).backend == "cpu"


def test_continued_and_split_lines_are_joined():
    log = LoadLog()
    log.feed(INFO, "load_tensors: offloaded ")
    log.feed(CONT, "12/")
    log.feed(CONT, "25 layers to GPU\n")
    log.feed(INFO, "load_tensors: loading")
    log.feed(CONT, "...")
    log.feed(ERROR, "llama_model_load: error loading model: ")  # a new message starts a new line
    log.feed(CONT, "unable to allocate Vulkan0 buffer\n")
    assert log.lines[-2] == (INFO, "load_tensors: loading...")
    assert log.offload == (12, 25)
    assert log.alloc_failure == "llama_model_load: error loading model: unable to allocate Vulkan0 buffer"


def test_allocation_failures_are_recognised_in_their_several_forms():
    for line in ("ggml_backend_cuda_buffer_type_alloc_buffer: allocating 9000.00 MiB on device 0: "
                 "cudaMalloc failed: out of memory",
                 "llama_init_from_model: failed to initialize the context: failed to allocate buffer for kv cache",
                 "ggml_gallocr_reserve_n: failed to allocate CUDA0 buffer of size 1073741824"):
        log = LoadLog()
        log.feed(ERROR, line + "\n")
        assert log.alloc_failure == line
    log = LoadLog()
    log.feed(ERROR, "llama_model_load: error loading model: unknown model architecture: 'foo'\n")
    assert log.alloc_failure is None and "unknown model architecture" in log.reason()


def test_warnings_and_errors_are_echoed_to_the_worker_log(tmp_path):
    import os

    path = tmp_path / "worker.log"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT)
    log = LoadLog(echo_fd=fd)
    log.feed(INFO, "load_tensors: offloaded 1/2 layers to GPU\n")
    log.feed(WARN, "llama_context: n_ctx_seq (512) < n_ctx_train\n")
    log.feed(ERROR, "unable to allocate CUDA0 buffer\n")
    os.close(fd)
    assert path.read_text() == "llama_context: n_ctx_seq (512) < n_ctx_train\nunable to allocate CUDA0 buffer\n"


@pytest.mark.parametrize("name,kind", [("CUDA0", "cuda"), ("Metal", "metal"), ("MTL0", "metal"),
                                       ("Vulkan1", "vulkan"), ("ROCm0", "rocm"), ("SYCL0", "sycl"),
                                       ("CPU", "cpu"), ("BLAS", "blas")])
def test_backend_kind_from_the_device_name(name, kind):
    assert backend_kind(name) == kind


def test_a_cuda_build_without_the_driver_is_explained_with_the_cpu_build():
    exc = RuntimeError("Failed to load shared library '/x/libggml-cuda.so': libcuda.so.1: cannot open shared "
                       "object file: No such file or directory")
    text = explain_import_error(exc)
    assert "built for CUDA" in text and "NVIDIA driver" in text
    assert 'CMAKE_ARGS="-DGGML_CUDA=OFF"' in text and "llama-cpp-python==0.3.36" in text and "--no-deps" in text
    assert "built for CUDA" not in explain_import_error(ImportError("No module named 'llama_cpp'"))


# --- flash attention --------------------------------------------------------
@pytest.mark.parametrize("setting,kv,expected", [
    ("auto", "f16", AUTO), ("auto", "q8_0", ENABLED), ("on", "f16", ENABLED), ("on", "q8_0", ENABLED),
    ("off", "f16", DISABLED), (None, "f16", AUTO), (True, "f16", ENABLED), (False, "f16", DISABLED),
])
def test_flash_attention_is_auto_unless_told_or_a_quantized_v_cache_needs_it(setting, kv, expected):
    assert choose_flash_attn(setting, kv).type == expected


def test_flash_attention_off_with_a_quantized_v_cache_is_a_clear_error():
    with pytest.raises(FlashConflict, match="--flash-attn off cannot be used with a q8_0 KV cache"):
        choose_flash_attn("off", "q8_0")
