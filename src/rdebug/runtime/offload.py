"""GPU offload planning: a VRAM estimate before the load, and the fallback chain when an allocation fails.

Layer counts are llama.cpp's: a model of ``n_layer`` blocks has ``n_layer + 1`` offloadable layers (the
output layer counts as one); -1 asks for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, TypeVar

GiB = 2**30
RESERVE = 512 << 20  # compute buffers and the CUDA context's own allocations
USABLE = 0.92  # of the free memory a plan may fill


@dataclass(frozen=True)
class LoadAttempt:
    """One way to load: how many layers go to the GPU (-1: all) and the context size."""

    gpu_layers: int
    n_ctx: int
    note: str = ""  # what was decided and why, for the user

    @property
    def on_gpu(self) -> bool:
        return self.gpu_layers != 0

    def describe(self, n_layer: int) -> str:
        if not self.on_gpu:
            return f"the CPU with a {self.n_ctx}-token context"
        layers = n_layer + 1 if self.gpu_layers < 0 else self.gpu_layers
        return f"{layers}/{n_layer + 1} layers on the GPU and a {self.n_ctx}-token context"


class AllocationFailed(Exception):
    """llama.cpp could not allocate a buffer (the model's weights, the KV cache or the compute buffers)."""

    def __init__(self, line: str) -> None:
        super().__init__(line)
        self.line = line


class LoadFailed(Exception):
    """The model could not be loaded; the message is for the user (it keeps llama.cpp's own line)."""


def estimate_vram(weights: int, n_layer: int, kv_per_token: int, n_ctx: int, layers: int) -> int:
    """Bytes of device memory for ``layers`` offloaded layers: their share of the weights and the KV cache."""
    total = n_layer + 1
    layers = total if layers < 0 else min(layers, total)
    if layers == 0:
        return 0
    share_weights = weights * layers / total
    share_kv = kv_per_token * n_ctx * min(layers, n_layer) / max(n_layer, 1)
    return int(share_weights + share_kv + RESERVE)


def plan_offload(weights: int, n_layer: int, kv_per_token: int, n_ctx: int, requested: int,
                 free: int | None, device: str = "the GPU") -> LoadAttempt:
    """The first attempt: the requested layers if they fit ``free`` bytes, else as many as do (0: the CPU)."""
    total = n_layer + 1
    want = total if requested < 0 else min(requested, total)
    if free is None or n_layer <= 0 or want == 0:
        return LoadAttempt(requested, n_ctx)
    budget = free * USABLE
    need = estimate_vram(weights, n_layer, kv_per_token, n_ctx, want)
    if need <= budget:
        return LoadAttempt(requested, n_ctx)
    fits = 0
    for layers in range(want - 1, 0, -1):
        if estimate_vram(weights, n_layer, kv_per_token, n_ctx, layers) <= budget:
            fits = layers
            break
    head = (f"{want}/{total} layers need about {need / GiB:.1f} GiB, {device} has {free / GiB:.1f} GiB free")
    if fits == 0:
        return LoadAttempt(0, n_ctx, f"{head}: running on the CPU")
    return LoadAttempt(fits, n_ctx, f"{head}: offloading {fits}/{total} layers")


def fallback_attempts(first: LoadAttempt, n_layer: int, min_ctx: int, cpu_ctx: int) -> list[LoadAttempt]:
    """``first``, then (on GPU) fewer layers, then also a smaller context, then the CPU with ``cpu_ctx``."""
    attempts = [first]
    if not first.on_gpu:
        return attempts
    layers = n_layer + 1 if first.gpu_layers < 0 else first.gpu_layers
    current = first
    if layers > 1:
        current = LoadAttempt(layers // 2, first.n_ctx)
        attempts.append(current)
    smaller = max(min_ctx, first.n_ctx // 2)
    if smaller < first.n_ctx:
        attempts.append(replace(current, n_ctx=smaller, note=""))
    if cpu_ctx > 0:
        attempts.append(LoadAttempt(0, cpu_ctx))
    return attempts


T = TypeVar("T")


def load_with_fallback(attempts: list[LoadAttempt], try_load: Callable[[LoadAttempt], T],
                       notify: Callable[[str], None], n_layer: int) -> tuple[T, LoadAttempt, list[str]]:
    """Try each attempt until one loads; an ``AllocationFailed`` moves on to the next, saying so.

    Returns (what ``try_load`` returned, the attempt that worked, the notes said). Any other error
    propagates; when every attempt ran out of memory, ``LoadFailed`` keeps llama.cpp's last line.
    """
    notes: list[str] = []

    def say(text: str) -> None:
        notes.append(text)
        notify(text)

    if attempts and attempts[0].note:
        say(attempts[0].note)
    last = ""
    for i, attempt in enumerate(attempts):
        try:
            return try_load(attempt), attempt, notes
        except AllocationFailed as exc:
            last = exc.line
            if i + 1 < len(attempts):
                nxt = attempts[i + 1]
                say(f"not enough memory for {attempt.describe(n_layer)} ({exc.line}); "
                    f"retrying with {nxt.describe(n_layer)}")
    tried = "; ".join(a.describe(n_layer) for a in attempts)
    raise LoadFailed(f"not enough memory to load the model (tried {tried}): {last}")
