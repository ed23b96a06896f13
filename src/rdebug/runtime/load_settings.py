"""Load settings remembered per llama.cpp build and model: extra buffer types off after a crash.

Some llama.cpp builds crash on some CPUs when weights use an extra buffer type: a native build on a
CPU with AMX dies with SIGILL in ``ggml_backend_amx_mul_mat`` (upstream defect). Loading with
``use_extra_bufts = False`` avoids it at no cost in speed on such machines. When a worker dies from a
signal while loading with extra buffer types, the backend retries without them and records the
choice here, so the next start goes straight to the setting that works.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

FILE_NAME = "load-settings.json"


@dataclass
class LoadSetting:
    """What works for one (llama.cpp build, model) pair."""

    repack: bool  # llama_model_params.use_extra_bufts
    reason: str = ""  # why it was chosen ("signal 4, SIGILL with extra buffer types")
    when: float = 0.0  # time.time() of the decision


def cache_dir() -> Path:
    """rdebug's user cache dir (``RDEBUG_CACHE_DIR`` overrides; tests use it)."""
    env = os.environ.get("RDEBUG_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("rdebug"))


def build_id() -> str:
    """The installed llama.cpp build, without importing it: version plus its libraries' sizes and times."""
    spec = importlib.util.find_spec("llama_cpp")
    if spec is None or not spec.submodule_search_locations:
        return "none"
    root = Path(next(iter(spec.submodule_search_locations)))
    parts = set()
    for lib in (root / "lib").glob("lib*"):
        try:
            real = lib.resolve()
            st = real.stat()
        except OSError:
            continue
        parts.add(f"{real.name}:{st.st_size}:{int(st.st_mtime)}")
    text = ";".join(sorted(parts)) or str(root)
    return "llama.cpp-" + hashlib.sha256(text.encode()).hexdigest()[:16]


def model_id(path: str | Path) -> str:
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError:
        size = -1
    return f"{p.resolve()}:{size}"


class LoadSettings:
    """A small JSON file of ``build|model -> LoadSetting``; unreadable files count as empty."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or cache_dir() / FILE_NAME

    def _read(self) -> dict[str, dict]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    @staticmethod
    def key(model_path: str | Path) -> str:
        return f"{build_id()}|{model_id(model_path)}"

    def get(self, model_path: str | Path) -> LoadSetting | None:
        raw = self._read().get(self.key(model_path))
        if not isinstance(raw, dict) or not isinstance(raw.get("repack"), bool):
            return None
        return LoadSetting(raw["repack"], str(raw.get("reason", "")), float(raw.get("when", 0.0) or 0.0))

    def remember(self, model_path: str | Path, setting: LoadSetting) -> None:
        """Record ``setting`` (best effort: a read-only cache only costs one retry next time)."""
        data = {k: v for k, v in self._read().items() if Path(k.split("|", 1)[-1].rsplit(":", 1)[0]).exists()}
        data[self.key(model_path)] = asdict(setting) | {"when": setting.when or time.time()}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass
