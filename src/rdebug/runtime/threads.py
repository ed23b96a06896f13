"""How many threads the model gets (a light module: the TUI asks before its first frame)."""

from __future__ import annotations

import os


def default_threads() -> int:
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        n = os.cpu_count() or 1
    return max(1, min(n, 16))


def threads_beside_ui() -> int:
    """Model threads when an interactive front end renders on the same CPU.

    llama.cpp's threads meet at a barrier after every layer, so one of them descheduled by the UI
    stalls the rest. On a small machine one core is left to the UI: measured on 2 cores with
    SmolLM2 (bench/bench_tui_model.py), the TUI streamed 28-30 tok/s with 2 threads and 45-49 with 1.
    """
    n = default_threads()
    return n - 1 if 2 <= n <= 4 else n
