"""How many threads the model gets by default, and how its idle threads wait."""

from __future__ import annotations

import os

# How llama.cpp's OpenMP threads wait at each of the hundreds of barriers per token. libgomp's default
# spins ~300k iterations before sleeping: on a machine whose cores are also busy with something else
# (an editor, a build, rdebug's own test runs, another model) the spinning thread holds the core its
# partner needs, and decoding collapses. A short spin keeps most of the idle speed and sleeps soon.
# (set in the worker before llama.cpp loads; the user's own environment wins)
WAIT_ENV = {"OMP_WAIT_POLICY": "", "GOMP_SPINCOUNT": ""}


def default_threads() -> int:
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        n = os.cpu_count() or 1
    return max(1, min(n, 16))


def apply_wait_env(environ: dict | None = None) -> dict[str, str]:
    """Set the OpenMP wait settings in ``environ`` (os.environ) unless already set; returns what was set."""
    env = os.environ if environ is None else environ
    done = {}
    for key, value in WAIT_ENV.items():
        if value and key not in env:
            env[key] = value
            done[key] = value
    return done
