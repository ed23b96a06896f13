from __future__ import annotations

import pytest

from rdebug.context import symbols


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path_factory, monkeypatch):
    """A private tags cache per test; no process-wide index leaks between tests."""
    monkeypatch.setenv("RDEBUG_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    symbols._INDEXES.clear()
    yield
    symbols._INDEXES.clear()
