"""Worker entry points that die like llama.cpp does on an AMX CPU (SIGILL) while extra buffer types are on.

Imported by the spawned worker process (the tests' folder is on its sys.path).
"""

from __future__ import annotations

import os
import resource
import signal


def _die() -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core file
    signal.signal(signal.SIGILL, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGILL)


def crash_at_load_with_repack(conn, cancel, log_path=None) -> None:
    from rdebug.runtime import worker

    original = worker.load_model

    def load(opts, c):
        if opts.repack:
            _die()
        return original(opts, c)

    worker.load_model = load
    worker.worker_main(conn, cancel, log_path)


def crash_at_first_decode_with_repack(conn, cancel, log_path=None) -> None:
    """Loads for real without extra buffer types (on an AMX CPU they crash at load), then dies at the first
    decode while the engine believes they are on."""
    from dataclasses import replace

    from rdebug.runtime import generation, worker

    original = generation.run_generation
    original_load = worker.load_model

    def load(opts, c):
        state = original_load(replace(opts, repack=False), c)
        state.options = opts
        return state

    worker.load_model = load

    def run(state, cmd, c, cancel_):
        if state.options.repack:
            _die()
        return original(state, cmd, c, cancel_)

    generation.run_generation = run
    worker.worker_main(conn, cancel, log_path)


def crash_at_first_batch_with_repack(conn, cancel, log_path=None) -> None:
    """Loads and decodes one sequence for real, then dies at the first batch of several sequences while the
    engine believes extra buffer types are on (seen on an AMX CPU with a tiny model: the warm-up and single
    replies ran, the first 4-sequence batch died)."""
    from dataclasses import replace

    from rdebug.runtime import parallel, worker

    original = parallel.run_parallel
    original_load = worker.load_model

    def load(opts, c):
        state = original_load(replace(opts, repack=False), c)
        state.options = opts
        return state

    worker.load_model = load

    def run(state, cmd, c, cancel_):
        if state.options.repack:
            _die()
        return original(state, cmd, c, cancel_)

    parallel.run_parallel = run
    worker.worker_main(conn, cancel, log_path)


def always_crash(conn, cancel, log_path=None) -> None:
    _die()
