"""The devices llama.cpp sees (ggml's backend device API) and their free memory; import failures explained.

Used in the worker process (VRAM planning before a load) and by ``rdebug doctor``. The binding does not
wrap ``ggml_backend_dev_*``; they are called through ctypes on the ``libggml`` it already loaded.
"""

from __future__ import annotations

import ctypes
import re
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

# enum ggml_backend_dev_type (ggml-backend.h of llama-cpp-python 0.3.36)
DEVICE_KINDS = {0: "cpu", 1: "gpu", 2: "igpu", 3: "accel", 4: "meta"}
GPU_KINDS = ("gpu", "igpu")

CPU_BUILD = ('CMAKE_ARGS="-DGGML_CUDA=OFF" '
             "pip install --force-reinstall --no-deps --no-cache-dir llama-cpp-python==0.3.36")


@dataclass
class DeviceInfo:
    """One ggml backend device (``CUDA0``, ``Metal``, ``Vulkan0``, ``CPU``...)."""

    name: str
    description: str
    kind: str  # "cpu", "gpu", "igpu", "accel", "meta"
    free: int | None = None  # bytes
    total: int | None = None

    @property
    def is_gpu(self) -> bool:
        return self.kind in GPU_KINDS

    def describe(self) -> str:
        mem = ""
        if self.total:
            mem = f", {(self.free or 0) / 2**30:.1f} GiB free of {self.total / 2**30:.1f} GiB"
        return f"{self.name}: {self.description} ({self.kind}{mem})"


def _ggml_lib() -> Any:
    from llama_cpp import _ggml

    lib = _ggml.libggml
    if getattr(lib, "_rdebug_typed", False):
        return lib
    lib.ggml_backend_dev_count.argtypes = []
    lib.ggml_backend_dev_count.restype = ctypes.c_size_t
    lib.ggml_backend_dev_get.argtypes = [ctypes.c_size_t]
    lib.ggml_backend_dev_get.restype = ctypes.c_void_p
    for fn in (lib.ggml_backend_dev_name, lib.ggml_backend_dev_description):
        fn.argtypes = [ctypes.c_void_p]
        fn.restype = ctypes.c_char_p
    lib.ggml_backend_dev_type.argtypes = [ctypes.c_void_p]
    lib.ggml_backend_dev_type.restype = ctypes.c_int
    lib.ggml_backend_dev_memory.argtypes = [
        ctypes.c_void_p, ctypes.POINTER(ctypes.c_size_t), ctypes.POINTER(ctypes.c_size_t)]
    lib.ggml_backend_dev_memory.restype = None
    lib._rdebug_typed = True
    return lib


def list_devices(memory: bool = True) -> list[DeviceInfo]:
    """Every device llama.cpp can use, in its order; [] when the device API is not reachable.

    ``memory``: ask each device for its free memory (on CUDA this creates the device's context).
    """
    try:
        lib = _ggml_lib()
        devices = []
        for i in range(lib.ggml_backend_dev_count()):
            dev = lib.ggml_backend_dev_get(i)
            free = total = None
            if memory:
                f, t = ctypes.c_size_t(0), ctypes.c_size_t(0)
                lib.ggml_backend_dev_memory(dev, ctypes.byref(f), ctypes.byref(t))
                free, total = f.value, t.value
            devices.append(DeviceInfo(
                name=(lib.ggml_backend_dev_name(dev) or b"?").decode("utf-8", "replace"),
                description=(lib.ggml_backend_dev_description(dev) or b"").decode("utf-8", "replace"),
                kind=DEVICE_KINDS.get(lib.ggml_backend_dev_type(dev), "other"),
                free=free, total=total,
            ))
        return devices
    except (AttributeError, OSError, ImportError):
        return []


def nvidia_smi_free() -> int | None:
    """Free memory of the first NVIDIA GPU in bytes (nvidia-smi), else None."""
    exe = shutil.which("nvidia-smi")
    if not exe:
        return None
    try:
        out = subprocess.run([exe, "--query-gpu=memory.free", "--format=csv,noheader,nounits"],
                             capture_output=True, text=True, timeout=10).stdout
        return int(out.split()[0]) << 20
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def free_gpu_memory(devices: list[DeviceInfo]) -> tuple[int | None, str]:
    """(free bytes, device name) of the GPU a load would use first; nvidia-smi when the API gives none."""
    gpus = [d for d in devices if d.is_gpu]
    if gpus and gpus[0].total:
        return gpus[0].free, gpus[0].name
    free = nvidia_smi_free()
    return free, (gpus[0].name if gpus else "GPU")


_KINDS = (("cuda", "cuda"), ("rocm", "rocm"), ("hip", "rocm"), ("metal", "metal"), ("mtl", "metal"),
          ("vulkan", "vulkan"), ("sycl", "sycl"), ("opencl", "opencl"), ("cann", "cann"), ("cpu", "cpu"))


def backend_kind(device_name: str) -> str:
    """The backend family of a ggml device name: CUDA0 -> cuda, Metal/MTL0 -> metal, Vulkan1 -> vulkan."""
    low = device_name.lower()
    for prefix, kind in _KINDS:
        if low.startswith(prefix):
            return kind
    return re.sub(r"\d+$", "", low) or "gpu"


def explain_import_error(exc: BaseException) -> str:
    """One line for a failed ``import llama_cpp``; a CUDA build without the NVIDIA driver says how to fix it."""
    text = f"{type(exc).__name__}: {exc}"
    if re.search(r"libcuda\.so|libcudart|libcublas|nvcuda|CUDA driver", text, re.IGNORECASE):
        return (f"llama-cpp-python was built for CUDA, but this machine has no usable NVIDIA driver or CUDA "
                f"runtime ({text[:160]}); install the driver, or rebuild for the CPU: {CPU_BUILD}")
    return f"llama-cpp-python could not be loaded: {text[:300]}"
