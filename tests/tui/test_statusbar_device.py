"""The status bar names the GPU device and the layers llama.cpp reported offloading (issue 17 §2)."""

from __future__ import annotations

from rdebug.events import ModelStats
from rdebug_tui.state import UiState
from rdebug_tui.widgets.statusbar import backend_label


def _label(**stats) -> str:
    state = UiState()
    state.stats = ModelStats(model="m", **stats)
    return backend_label(state)


def test_gpu_names_the_device_and_the_real_layer_count():
    assert _label(backend="cuda", gpu_layers=25, gpu_layers_total=25, device="CUDA0 (NVIDIA H200)") == \
        "GPU CUDA0 · 25/25 layers"
    assert _label(backend="cuda", gpu_layers=12) == "GPU cuda · 12 layers"  # no device in the log


def test_cpu_says_threads():
    assert _label(backend="cpu", threads=2) == "CPU · 2 threads"
