"""Read a GGUF header (metadata + tensor table) without loading the model; detect bad files early."""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdebug.errors import ModelError

MAGIC = b"GGUF"
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9
_MAX_KEEP = 64  # arrays longer than this are summarised by length
# ggml type id -> (block size in elements, bytes per block) for the common types
_TYPE_SIZES = {
    0: (1, 4), 1: (1, 2), 2: (32, 18), 3: (32, 20), 6: (32, 22), 7: (32, 24), 8: (32, 34), 9: (32, 40),
    10: (256, 84), 11: (256, 110), 12: (256, 144), 13: (256, 176), 14: (256, 210), 15: (256, 292),
    16: (256, 66), 17: (256, 74), 18: (256, 98), 19: (256, 50), 20: (32, 18), 21: (256, 110),
    22: (256, 82), 23: (256, 136), 24: (1, 1), 25: (1, 2), 26: (1, 4), 27: (1, 8), 28: (1, 8),
    29: (256, 56), 30: (1, 2), 34: (256, 54), 35: (256, 66), 39: (32, 17), 40: (64, 36), 41: (128, 18),
}
FILE_TYPES = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K", 11: "Q3_K_S",
    12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K",
    19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS", 23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL",
    26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S", 29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16",
    36: "TQ1_0", 37: "TQ2_0", 38: "MXFP4",
}


@dataclass
class GGUFInfo:
    path: Path
    version: int
    size: int
    metadata: dict[str, Any]
    n_tensors: int
    data_end: int | None = None  # bytes the tensor data needs, when every tensor type is known
    notes: list[str] = field(default_factory=list)

    @property
    def architecture(self) -> str:
        return str(self.metadata.get("general.architecture", "unknown"))

    @property
    def name(self) -> str | None:
        return self.metadata.get("general.name")

    @property
    def file_type(self) -> str:
        ft = self.metadata.get("general.file_type")
        return FILE_TYPES.get(ft, f"type {ft}") if ft is not None else "unknown"

    @property
    def context_length(self) -> int | None:
        return self.metadata.get(f"{self.architecture}.context_length")

    @property
    def chat_template(self) -> str | None:
        return self.metadata.get("tokenizer.chat_template")


class _Reader:
    """Parses from a memory map by offset (fast for tokenizer arrays of 100k+ strings)."""

    def __init__(self, data: Any, path: Path) -> None:
        self.data, self.path, self.pos = data, path, 0

    def read(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise ModelError(f"{self.path}: truncated GGUF file (header ends early); re-download it")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def scalar(self, fmt: str) -> Any:
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            self.read(size)
        (value,) = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return value

    def string(self) -> str:
        n = self.scalar("<Q")
        if n > 1 << 30:
            raise ModelError(f"{self.path}: corrupt GGUF header (string of {n} bytes)")
        return self.read(n).decode("utf-8", errors="replace")

    def skip_strings(self, count: int) -> None:
        for _ in range(count):
            n = self.scalar("<Q")
            if n > 1 << 30:
                raise ModelError(f"{self.path}: corrupt GGUF header (string of {n} bytes)")
            self.pos += n
        if self.pos > len(self.data):
            self.read(1)

    def value(self, vtype: int) -> Any:
        if vtype in _SCALARS:
            return self.scalar(_SCALARS[vtype])
        if vtype == _STRING:
            return self.string()
        if vtype == _ARRAY:
            etype, count = self.scalar("<I"), self.scalar("<Q")
            if count > 1 << 32:
                raise ModelError(f"{self.path}: corrupt GGUF header (array of {count} items)")
            if count > _MAX_KEEP and etype in _SCALARS:
                self.read(struct.calcsize(_SCALARS[etype]) * count)
                return f"<array of {count}>"
            if count > _MAX_KEEP and etype == _STRING:
                self.skip_strings(count)
                return f"<array of {count}>"
            items = [self.value(etype) for _ in range(count)]
            return items if count <= _MAX_KEEP else f"<array of {count}>"
        raise ModelError(f"{self.path}: corrupt GGUF header (unknown value type {vtype})")


def read_gguf(path: str | Path) -> GGUFInfo:
    """Parse the header; raise ModelError for a missing, non-GGUF, truncated or corrupt file."""
    path = Path(path)
    try:
        size = path.stat().st_size
        fh = path.open("rb")
    except FileNotFoundError:
        raise ModelError(f"model file not found: {path}") from None
    except OSError as exc:
        raise ModelError(f"cannot read model file {path}: {exc.strerror}") from None
    with fh:
        magic = fh.read(4)
        if magic != MAGIC:
            hint = " (empty file)" if not magic else ""
            raise ModelError(f"{path}: not a GGUF model file{hint}; rdebug needs a .gguf model for llama.cpp")
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            r = _Reader(data, path)
            r.pos = 4
            meta, n_tensors, start, end, known, version = _parse(r)
    info = GGUFInfo(path, version, size, meta, n_tensors, start + end if known else None)
    if info.data_end is not None and size < info.data_end:
        raise ModelError(
            f"{path}: truncated GGUF file ({size} bytes, its tensors need {info.data_end}); re-download it"
        )
    return info


def _parse(r: _Reader) -> tuple[dict[str, Any], int, int, int, bool, int]:
    version = r.scalar("<I")
    if version not in (2, 3):
        raise ModelError(f"{r.path}: unsupported GGUF version {version}")
    n_tensors, n_kv = r.scalar("<Q"), r.scalar("<Q")
    if n_tensors > 1 << 20 or n_kv > 1 << 20:
        raise ModelError(f"{r.path}: corrupt GGUF header")
    meta: dict[str, Any] = {}
    for _ in range(n_kv):
        key = r.string()
        meta[key] = r.value(r.scalar("<I"))
    end, known = 0, True
    for _ in range(n_tensors):
        r.string()
        dims = [r.scalar("<Q") for _ in range(r.scalar("<I"))]
        ttype, offset = r.scalar("<I"), r.scalar("<Q")
        if ttype not in _TYPE_SIZES:
            known = False
            continue
        n = 1
        for d in dims:
            n *= d
        block, nbytes = _TYPE_SIZES[ttype]
        end = max(end, offset + n // block * nbytes)
    align = int(meta.get("general.alignment", 32))
    start = -(-r.pos // align) * align
    return meta, n_tensors, start, end, known, version
