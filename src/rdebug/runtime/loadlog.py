"""llama.cpp's own log during a load: what it offloaded, to which device, and why an allocation failed.

llama-cpp-python's quiet logger (``verbose=False``) drops INFO lines such as
``load_tensors: offloaded 29/29 layers to GPU`` (and, through a level mix-up, ERROR lines), and
the binding sends fds 1/2 to /dev/null while it loads. ``capture`` installs a callback of ours for
the load (warnings and errors are still written to the worker log, through a descriptor of its own)
and restores the quiet one afterwards.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from rdebug.runtime.gpu import backend_kind, list_devices

# enum ggml_log_level (ggml.h of llama-cpp-python 0.3.36)
DEBUG, INFO, WARN, ERROR, CONT = 1, 2, 3, 4, 5

OFFLOADED = re.compile(r"offloaded (\d+)/(\d+) layers to GPU")
USING_DEVICE = re.compile(r"using device (\S+) \((.*?)\) \(.*?\) - (\d+) MiB free")
FLASH = re.compile(r"Flash Attention (enabled|not supported, set to disabled)")
ALLOC_FAILURE = re.compile(
    r"unable to allocate \S+ buffer|failed to allocate|cudaMalloc failed|out of memory|"
    r"ErrorOutOfDeviceMemory|failed to create .* buffer", re.IGNORECASE)


@dataclass
class LoadLog:
    """The lines llama.cpp logged during one load, and what they say."""

    lines: list[tuple[int, str]] = field(default_factory=list)  # (level, text without the newline)
    echo_fd: int | None = None  # warnings and errors are also written here (the worker log)
    _open: bool = False  # the last line has no newline yet

    def feed(self, level: int, text: str) -> None:
        """One callback call: a line, a piece of one (CONT), or several lines."""
        joins = level == CONT and self._open and bool(self.lines)  # the rest of the previous line
        if level == CONT and self.lines:
            level = self.lines[-1][0]
        if self.echo_fd is not None and level in (WARN, ERROR):
            with contextlib.suppress(OSError):
                os.write(self.echo_fd, text.encode("utf-8", "replace"))
        for i, piece in enumerate(text.split("\n")):
            if i == 0 and joins:
                lvl, prev = self.lines[-1]
                self.lines[-1] = (lvl, prev + piece)
            elif piece or i == 0:
                self.lines.append((level, piece))
        self._open = not text.endswith("\n")

    @property
    def offload(self) -> tuple[int, int] | None:
        """(layers offloaded, layers in all) from llama.cpp's "offloaded N/M layers to GPU" line."""
        for _, text in reversed(self.lines):
            m = OFFLOADED.search(text)
            if m:
                return int(m.group(1)), int(m.group(2))
        return None

    @property
    def devices(self) -> list[tuple[str, str]]:
        """(name, description) of each device the model was loaded onto ("using device CUDA0 (NVIDIA H200)...")."""
        found = []
        for _, text in self.lines:
            m = USING_DEVICE.search(text)
            if m and (m.group(1), m.group(2)) not in found:
                found.append((m.group(1), m.group(2)))
        return found

    @property
    def flash_attn(self) -> bool | None:
        """What llama.cpp's AUTO flash attention resolved to, when it said."""
        for _, text in reversed(self.lines):
            m = FLASH.search(text)
            if m:
                return m.group(1) == "enabled"
        return None

    @property
    def errors(self) -> list[str]:
        return [text.strip() for level, text in self.lines if level in (WARN, ERROR) and text.strip()]

    @property
    def alloc_failure(self) -> str | None:
        """The line that says a buffer could not be allocated (e.g. "unable to allocate CUDA0 buffer")."""
        for level, text in self.lines:
            if level in (WARN, ERROR) and ALLOC_FAILURE.search(text):
                return text.strip()
        return None

    def reason(self) -> str:
        """The most telling error line (the allocation failure first), else ""."""
        errors = self.errors
        return self.alloc_failure or (errors[-1] if errors else "")


@dataclass
class Offload:
    """What llama.cpp reported it did with the layers."""

    backend: str  # "cpu", "cuda", "metal", "vulkan"...
    layers: int  # offloaded
    total: int  # offloadable (blocks + the output layer)
    device: str  # "CUDA0 (NVIDIA H200)"; "" on the CPU


def describe_offload(log: LoadLog, n_layer: int) -> Offload:
    """The backend, device and real layer count from llama.cpp's log lines (not from the request)."""
    found = log.offload
    total = found[1] if found else n_layer + 1
    if not found or found[0] == 0:
        return Offload("cpu", 0, total, "")
    devices = log.devices
    if devices:
        name, desc = devices[0]
    else:
        gpus = [d for d in list_devices(memory=False) if d.is_gpu]
        name, desc = (gpus[0].name, gpus[0].description) if gpus else ("GPU", "")
    return Offload(backend_kind(name), found[0], total, f"{name} ({desc})" if desc else name)


_active: LoadLog | None = None


def active() -> LoadLog | None:
    """The log being captured now (tests feed a simulated llama.cpp's lines into it)."""
    return _active


@contextlib.contextmanager
def capture(echo_fd: int | None = 2) -> Iterator[LoadLog]:
    """Send llama.cpp's log to a ``LoadLog`` while the block runs; the quiet logger comes back after."""
    global _active
    from llama_cpp import _logger
    from llama_cpp import llama_cpp as C

    dup = os.dup(echo_fd) if echo_fd is not None else None  # survives the binding's /dev/null redirection
    log = LoadLog(echo_fd=dup)

    def on_log(level: int, text: bytes, _user: Any) -> None:
        try:
            log.feed(level, (text or b"").decode("utf-8", "replace"))
        except Exception:  # noqa: BLE001 - never raise into C
            pass

    callback = C.llama_log_callback(on_log)
    C.llama_log_set(callback, ctypes.c_void_p(0))
    _active = log
    try:
        yield log
    finally:
        C.llama_log_set(_logger.llama_log_callback, ctypes.c_void_p(0))
        _active = None
        if dup is not None:
            os.close(dup)
        log.echo_fd = None
