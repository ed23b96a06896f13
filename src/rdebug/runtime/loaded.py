"""The model worker's state once a model is loaded (``worker.load_model`` makes it; ``generation`` and
``parallel`` decode with it). A module of its own so that those three do not import each other for it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdebug.runtime.messages import WorkerOptions


@dataclass
class Loaded:
    """The worker's model state."""

    llm: Any  # llama_cpp.Llama
    options: WorkerOptions
    formatter: Any  # Jinja2ChatFormatter
    bos_text: str
    add_bos: bool
    n_ctx: int
    abort_cb: Any = None  # keeps the ctypes callback alive
    null_cb: Any = None
    cpu_share: Any = None  # rdebug.runtime.threads.CpuShare: fewer threads while other processes are busy
    n_seq: int = 1  # sequences the context decodes together (candidates; runtime/parallel.py)
