"""The model catalog (``rdebug/data/catalog.toml``): families, downloadable models, their quirks.

Resolving a model name to a file (``resolve_model``) is ``rdebug.runtime.sources``'s work.
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from rdebug.runtime.base import Sampling


@dataclass
class CatalogEntry:
    """One catalog model (family settings merged in); ``name`` is "" for an unknown GGUF."""

    name: str
    family: str
    description: str = ""
    file: str | None = None  # file name in the models dir
    pattern: str = "*"
    thinking: str = "none"  # "think-tags", "prompted", "harmony", "command-r", "none"
    starts_in_thought: bool = False
    system_prompt: bool = True
    think_default: bool = True  # think unless told otherwise (off for models not trained to reason)
    edit_format: str = "search-replace"  # how fixes are asked for: "search-replace" or "function"
    context: int = 8192
    sampling: Sampling = field(default_factory=Sampling)
    hf_repo: str | None = None
    hf_file: str | None = None
    size_bytes: int | None = None
    sha256: str | None = None
    pypi_chunks: dict[str, Any] | None = None
    pypi_package: dict[str, Any] | None = None
    min_ram_gb: float = 0.0
    gpu: bool = False

    @property
    def display(self) -> str:
        return self.name or self.family or "unknown"


@dataclass
class Catalog:
    default: str
    test_model: str
    families: dict[str, dict[str, Any]]
    models: dict[str, CatalogEntry]

    def get(self, name: str) -> CatalogEntry | None:
        return self.models.get(name.lower())

    def for_file(self, path: str | Path) -> CatalogEntry:
        """The entry a GGUF file belongs to: exact file name, else family pattern, else generic."""
        fname = Path(path).name.lower()
        for entry in self.models.values():
            if entry.file and entry.file.lower() == fname:
                return entry
        for fam, data in self.families.items():
            if fnmatch.fnmatch(fname, str(data.get("pattern", "")).lower()):
                return _entry("", fam, data, {})
        return CatalogEntry(name="", family="", thinking="none")

    def for_metadata(self, path: str | Path, template: str | None) -> CatalogEntry:
        """Like ``for_file``, but an unknown file gets a thinking mode detected from its chat template."""
        entry = self.for_file(path)
        if entry.family or not template:
            return entry
        entry.thinking = detect_thinking(template)
        entry.starts_in_thought = entry.thinking == "think-tags" and template_opens_think(template)
        return entry


def detect_thinking(template: str) -> str:
    if "<|channel|>" in template:
        return "harmony"
    if "<|START_THINKING|>" in template:
        return "command-r"
    if "<think>" in template or "</think>" in template:
        return "think-tags"
    return "none"


def template_opens_think(template: str) -> bool:
    """Rough test: the generation-prompt branch of the template emits ``<think>``."""
    i = template.rfind("add_generation_prompt")
    return i != -1 and "<think>" in template[i:]


def _sampling(data: dict[str, Any]) -> Sampling:
    known = {k: data[k] for k in ("temperature", "top_p", "top_k", "min_p", "repeat_penalty", "seed") if k in data}
    return Sampling(**known)


def _entry(name: str, family: str, fam: dict[str, Any], data: dict[str, Any]) -> CatalogEntry:
    merged = {**fam, **data}
    merged.pop("family", None)
    sampling = _sampling({**fam.get("sampling", {}), **data.get("sampling", {})})
    merged.pop("sampling", None)
    allowed = CatalogEntry.__dataclass_fields__
    return CatalogEntry(name=name, family=family, sampling=sampling, **{k: v for k, v in merged.items() if k in allowed})


def parse_catalog(text: str) -> Catalog:
    data = tomllib.loads(text)
    families = data.get("families", {})
    models: dict[str, CatalogEntry] = {}
    for name, m in data.get("models", {}).items():
        fam = m.get("family", "")
        models[name.lower()] = _entry(name, fam, families.get(fam, {}), m)
    return Catalog(
        default=data.get("default", ""), test_model=data.get("test_model", ""), families=families, models=models
    )


def catalog_text() -> str:
    return resources.files("rdebug.data").joinpath("catalog.toml").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    return parse_catalog(catalog_text())

