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


def _crash_when_decoding_with_repack(module, name: str, conn, cancel, log_path) -> None:
    """Load for real without extra buffer types (on an AMX CPU they crash at load) while the engine believes
    they are on; then ``module.name`` (a decode entry point) dies when called."""
    from dataclasses import replace

    from rdebug.runtime import worker

    original = getattr(module, name)
    original_load = worker.load_model

    def load(opts, c):
        state = original_load(replace(opts, repack=False), c)
        state.options = opts
        return state

    def run(state, cmd, c, cancel_):
        if state.options.repack:
            _die()
        return original(state, cmd, c, cancel_)

    worker.load_model = load
    setattr(module, name, run)
    worker.worker_main(conn, cancel, log_path)


def crash_at_first_decode_with_repack(conn, cancel, log_path=None) -> None:
    """Dies at the first decode (one sequence)."""
    from rdebug.runtime import generation

    _crash_when_decoding_with_repack(generation, "run_generation", conn, cancel, log_path)


def crash_at_first_batch_with_repack(conn, cancel, log_path=None) -> None:
    """Decodes one sequence for real, then dies at the first batch of several sequences (seen on an AMX CPU
    with a tiny model: the warm-up and single replies ran, the first 4-sequence batch died)."""
    from rdebug.runtime import parallel

    _crash_when_decoding_with_repack(parallel, "run_parallel", conn, cancel, log_path)


def always_crash(conn, cancel, log_path=None) -> None:
    _die()
