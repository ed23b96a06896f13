"""Fixtures for the TUI tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripted import make_demo_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_demo_repo(tmp_path / "repo")
