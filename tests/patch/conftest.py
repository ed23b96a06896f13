"""Shared fixtures: a throwaway backup store and small repositories under tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers_patch import CART, CART_TEST, make_repo


@pytest.fixture(autouse=True)
def state_home(tmp_path_factory, monkeypatch) -> Path:
    """Backups go to a temporary user state dir, never the real one."""
    path = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("XDG_STATE_HOME", str(path))
    return path


@pytest.fixture
def cart_repo(tmp_path) -> Path:
    return make_repo(tmp_path / "shop", {"cart.py": CART, "test_cart.py": CART_TEST})
