"""`rdebug models list|pull NAME|info PATH`: installed models, downloads, GGUF metadata."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from rdebug.config import Config, models_dir
from rdebug.errors import ExitCode, UsageError
from rdebug.events import ModelLoading


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", default="list", choices=["list", "pull", "info"], help="list (default), pull, info")
    parser.add_argument("name", nargs="?", help="pull: catalog name or hf:REPO/FILE; info: GGUF path or catalog name")


def total_ram() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def gpu_offload() -> bool:
    try:
        import llama_cpp

        return bool(llama_cpp.llama_supports_gpu_offload())
    except Exception:  # noqa: BLE001 - llama.cpp missing or broken: no GPU
        return False


def recommended(entry: Any, ram: int | None, gpu: bool) -> bool:
    """Fits this machine: enough RAM, and a GPU when the model is meant for one."""
    fits = ram is None or entry.min_ram_gb * 2**30 <= ram
    return fits and (gpu or not entry.gpu)


def run(args: argparse.Namespace, cfg: Config) -> int:
    if args.action == "list":
        return list_models(args, cfg)
    if not args.name:
        raise UsageError(f"models {args.action} needs a NAME")
    if args.action == "pull":
        return pull(args, cfg)
    return info(args, cfg)


def list_models(args: argparse.Namespace, cfg: Config) -> int:
    from rdebug.runtime.catalog import load_catalog
    from rdebug.runtime.chunks import chunk_locator, chunks_installed
    from rdebug.runtime.sources import installed_models

    cat = load_catalog()
    ram, gpu = total_ram(), gpu_offload()
    installed = installed_models(cfg)
    have = {m.entry.name for m in installed if m.entry.name}
    rows = []
    for entry in cat.models.values():
        chunks = bool(entry.pypi_chunks) and chunks_installed(entry.pypi_chunks, chunk_locator(entry.pypi_chunks))
        rows.append({
            "name": entry.name,
            "installed": entry.name in have,
            "chunks_installed": chunks,
            "thinking": entry.thinking,
            "recommended": recommended(entry, ram, gpu),
            "default": entry.name == cat.default,
            "description": entry.description,
        })
    files = [
        {"path": str(m.path), "size": m.size, "model": m.entry.name or None, "family": m.entry.family or None,
         "source": m.source}
        for m in installed
    ]
    if args.json:
        print(json.dumps({"models_dir": str(models_dir(cfg)), "installed": files, "catalog": rows,
                          "ram_bytes": ram, "gpu_offload": gpu}, indent=2))
        return ExitCode.OK
    print(f"models dir: {models_dir(cfg)}")
    print(f"machine: {ram / 2**30:.0f} GiB RAM, GPU offload {'yes' if gpu else 'no'}" if ram else "")
    print("\ninstalled:" if files else "\ninstalled: none (rdebug models pull NAME)")
    for f in files:
        print(f"  {f['path']}  {f['size'] / 2**20:,.0f} MiB  [{f['model'] or f['family'] or 'unknown'}]")
    print("\ncatalog:")
    for r in rows:
        marks = [m for m, on in (("installed", r["installed"]), ("default", r["default"]),
                                 ("recommended", r["recommended"]), ("chunks installed", r["chunks_installed"])) if on]
        print(f"  {r['name']:<32} {r['thinking']:<11} {', '.join(marks)}")
        print(f"      {r['description']}")
    return ExitCode.OK


def pull(args: argparse.Namespace, cfg: Config) -> int:
    from rdebug.runtime.sources import ResolvedModel, pull_steps

    tty = sys.stderr.isatty()
    last = ""
    for step in pull_steps(args.name, cfg):
        if isinstance(step, ModelLoading):
            if tty:
                sys.stderr.write(f"\r{step.message[:70]:<70} {step.progress:4.0%}")
            elif step.message.split(":")[0] != last:
                print(step.message, file=sys.stderr)
                last = step.message.split(":")[0]
        elif isinstance(step, ResolvedModel):
            if tty:
                sys.stderr.write("\n")
            if args.json:
                print(json.dumps({"path": str(step.path), "model": step.entry.name, "source": step.source}))
            else:
                print(f"{step.entry.name or args.name}: {step.path} ({step.source})")
    return ExitCode.OK


def info(args: argparse.Namespace, cfg: Config) -> int:
    from rdebug.runtime.catalog import detect_thinking, load_catalog, template_opens_think
    from rdebug.runtime.gguf_info import read_gguf
    from rdebug.runtime.sources import resolve_model

    path = resolve_model(args.name, cfg).path
    gi = read_gguf(path)
    entry = load_catalog().for_metadata(path, gi.chat_template)
    template = gi.chat_template or ""
    doc = {
        "path": str(path),
        "size": gi.size,
        "gguf_version": gi.version,
        "name": gi.name,
        "architecture": gi.architecture,
        "file_type": gi.file_type,
        "context_length": gi.context_length,
        "tensors": gi.n_tensors,
        "chat_template": bool(template),
        "thinking_markers": detect_thinking(template) if template else "none",
        "template_opens_think": template_opens_think(template),
        "catalog_entry": entry.name or None,
        "family": entry.family or None,
        "thinking_mode": entry.thinking,
    }
    if args.json:
        print(json.dumps(doc, indent=2))
        return ExitCode.OK
    width = max(len(k) for k in doc)
    for k, v in doc.items():
        print(f"{k.replace('_', ' '):<{width}}  {v}")
    return ExitCode.OK
