"""`rdebug doctor`: llama.cpp build, GPU offload, the configured model, library versions."""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
from importlib import metadata

from rdebug import __version__
from rdebug.config import Config, models_dir
from rdebug.errors import ExitCode


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-model", action="store_true",
                        help="skip resolving the configured model (and the smoke generation)")
    parser.add_argument("--no-smoke", action="store_true", help="skip the real 8-token smoke generation")


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def nvidia_gpus() -> list[str]:
    exe = shutil.which("nvidia-smi")
    if not exe:
        return []
    try:
        out = subprocess.run(
            [exe, "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader"],
            capture_output=True, text=True, timeout=10,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [line.strip() for line in out.splitlines() if line.strip()]


def collect(cfg: Config, resolve: bool = True) -> dict:
    from rdebug.commands.models import total_ram

    doc: dict = {
        "versions": {
            "rdebug": __version__,
            "python": platform.python_version(),
            "llama-cpp-python": _version("llama_cpp_python"),
            "textual": _version("textual"),
            "tree-sitter": _version("tree-sitter"),
            "gguf": _version("gguf"),
        },
        "ram_bytes": total_ram(),
        "gpus": nvidia_gpus(),
        "models_dir": str(models_dir(cfg)),
        "backend": cfg.backend,
    }
    try:
        import llama_cpp

        doc["llama_system_info"] = llama_cpp.llama_print_system_info().decode("utf-8", "replace").strip()
        doc["gpu_offload"] = bool(llama_cpp.llama_supports_gpu_offload())
        doc["devices"] = llama_devices()
    except Exception as exc:  # noqa: BLE001 - report, do not crash
        from rdebug.runtime.gpu import explain_import_error

        doc["llama_error"] = explain_import_error(exc)
        doc["gpu_offload"] = False
    if resolve and cfg.backend == "llama":
        doc.update(model_status(cfg))
    return doc


def llama_devices() -> list[dict]:
    """The devices llama.cpp sees (ggml's backend device API), with their free memory."""
    from dataclasses import asdict

    from rdebug.runtime.gpu import list_devices

    return [asdict(d) for d in list_devices()]


def _print_devices(doc: dict) -> None:
    from rdebug.runtime.gpu import DeviceInfo

    devices = [DeviceInfo(**d) for d in doc.get("devices", [])]
    if "llama_error" in doc:
        return
    if not devices:
        print(f"{'llama.cpp devices':<18} none reported")
    for i, dev in enumerate(devices):
        print(f"{'llama.cpp devices' if i == 0 else '':<18} {dev.describe()}")
    if doc.get("gpu_offload") and not any(d.is_gpu for d in devices):
        print(f"{'':<18} this build supports GPU offload, but llama.cpp sees no GPU (driver? CUDA_VISIBLE_DEVICES?)")


def model_status(cfg: Config) -> dict:
    """Where the configured model is, without downloading or assembling anything."""
    from pathlib import Path

    from rdebug.runtime.catalog import load_catalog
    from rdebug.runtime.chunks import chunk_locator, chunks_installed
    from rdebug.runtime.sources import package_gguf

    spec = cfg.model
    doc: dict = {"model_spec": spec}
    entry = load_catalog().get(spec)
    path: Path | None = None
    if entry is None and not spec.startswith("hf:"):
        path = Path(spec).expanduser()
    elif entry is not None:
        target = models_dir(cfg) / (entry.file or "")
        if target.is_file():
            path = target
        elif entry.pypi_package:
            path = package_gguf(entry.pypi_package)
        elif entry.pypi_chunks and chunks_installed(entry.pypi_chunks, chunk_locator(entry.pypi_chunks)):
            doc["model_note"] = "chunk packages installed: assembled into the models dir on first use"
            path = target
    doc["model_path"] = str(path) if path else None
    doc["model_exists"] = bool(path and path.is_file())
    return doc


def smoke(cfg: Config, doc: dict) -> None:
    """Run the smoke generation on the configured model (when it is installed) and add it to ``doc``."""
    from rdebug.runtime.smoke import REBUILD_HINT, smoke_check

    if cfg.backend != "llama" or "llama_error" in doc:
        return
    if not doc.get("model_exists") and not doc.get("model_note"):
        doc["smoke"] = {"skipped": "the model is not installed"}
        return
    results = smoke_check(doc["model_path"] if doc.get("model_exists") else cfg.model,
                          repack_allowed=getattr(cfg, "repack", True), threads=cfg.threads)
    working = next((r for r in results if r.ok), None)
    doc["smoke"] = {
        "runs": [{"repack": r.repack, "ok": r.ok, "tokens": r.tokens, "tokens_per_s": round(r.tokens_per_s, 2),
                  "crash": r.crash, "error": r.error} for r in results],
        "ok": working is not None,
        "working_setting": None if working is None else ("repack" if working.repack else "no-repack"),
    }
    if results[0].crash:
        doc["smoke"]["rebuild"] = REBUILD_HINT


def _print_smoke(doc: dict) -> None:
    from rdebug.runtime.smoke import SmokeResult

    info = doc.get("smoke")
    if info is None:
        return
    if "skipped" in info:
        print(f"{'smoke test':<18} skipped: {info['skipped']}")
        return
    for run_ in info["runs"]:
        fields = {k: run_[k] for k in ("repack", "ok", "tokens", "tokens_per_s", "crash", "error")}
        print(f"{'smoke test':<18} {SmokeResult(**fields).describe()}")
    if info.get("rebuild"):
        if info["ok"]:
            print(f"{'':<18} rdebug loads without extra buffer types on this machine (remembered);")
        print(f"{'':<18} to rebuild llama-cpp-python for this CPU: {info['rebuild']}")


def run(args: argparse.Namespace, cfg: Config) -> int:
    doc = collect(cfg, resolve=not args.no_model)
    if not args.no_model and not args.no_smoke:
        smoke(cfg, doc)
    if args.json:
        print(json.dumps(doc, indent=2))
        return ExitCode.OK
    for name, ver in doc["versions"].items():
        print(f"{name:<18} {ver or 'not installed'}")
    ram = doc.get("ram_bytes")
    print(f"{'memory':<18} {ram / 2**30:.1f} GiB" if ram else f"{'memory':<18} unknown")
    print(f"{'GPU offload':<18} {'yes' if doc.get('gpu_offload') else 'no'}")
    print(f"{'GPUs':<18} {'; '.join(doc['gpus']) or 'none detected (nvidia-smi)'}")
    print(f"{'models dir':<18} {doc['models_dir']}")
    if "model_spec" in doc:
        print(f"{'model':<18} {doc['model_spec']}")
        if doc["model_exists"]:
            print(f"{'model file':<18} {doc['model_path']}")
        elif doc.get("model_note"):
            print(f"{'model file':<18} {doc['model_note']}")
        else:
            where = doc["model_path"] or "not installed"
            print(f"{'model file':<18} MISSING ({where}); run: rdebug models pull {doc['model_spec']}")
    if "llama_error" in doc:
        print(f"{'llama.cpp':<18} ERROR {doc['llama_error']}")
    else:
        print(f"{'llama.cpp':<18} {doc['llama_system_info']}")
    _print_devices(doc)
    _print_smoke(doc)
    smoke_failed = doc.get("smoke", {}).get("ok") is False
    return ExitCode.MODEL if smoke_failed else ExitCode.OK
