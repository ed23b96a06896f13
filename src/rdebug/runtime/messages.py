"""Typed messages between the engine-side client and the model worker process (pickled over a Pipe).

Runtime events (``rdebug.events``) travel inside ``Batch`` messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rdebug.runtime.base import GenerationRequest


@dataclass
class WorkerOptions:
    """Everything the worker needs to load a model; all decided on the engine side."""

    path: str
    display: str
    n_ctx: int
    threads: int
    n_gpu_layers: int | None = None  # None: all layers when llama.cpp supports offload, else 0
    flash_attn: str | bool | None = None  # "auto", "on", "off" (None: auto; see rdebug.runtime.flash)
    kv_bytes_per_token: int = 0  # for the memory check
    kv_type: str = "f16"  # "f16" or "q8_0"
    n_batch: int = 512
    thinking_mode: str = "none"
    threads_batch: int | None = None  # prompt processing threads; None: ``threads``
    repack: bool = True  # llama_model_params.use_extra_bufts (AMX/repacked weight layouts)
    adapt_threads: bool = True  # fewer threads while other processes keep cores busy (runtime/threads.py)
    n_layer: int = 0  # the model's blocks (GGUF block_count), for the VRAM estimate
    min_ctx: int = 2048  # the smallest context a fallback after a failed GPU allocation may use
    parallel: int = 1  # sequences decoded together at most (candidates per request)


# --- client -> worker -------------------------------------------------------
@dataclass
class LoadCmd:
    options: WorkerOptions


@dataclass
class GenerateCmd:
    request: GenerationRequest
    template_kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass
class CountCmd:
    text: str


@dataclass
class RenderCmd:
    """Render and tokenize a request's prompt without generating (tests, benchmarks)."""

    request: GenerationRequest


@dataclass
class ShutdownCmd:
    pass


# --- worker -> client -------------------------------------------------------
@dataclass
class Batch:
    events: list[Any]  # runtime events, in order


@dataclass
class CountReply:
    n: int


@dataclass
class RenderReply:
    prompt: str
    tokens: list[int]


@dataclass
class EndOfStream:
    """The current load/generate stream is complete."""
