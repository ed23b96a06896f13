"""Session-wide test isolation: rdebug's user cache (symbol index, remembered load settings) in a temp dir."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def _model_candidates_only(request, monkeypatch):
    """The mutation search runs first in every real round; tests of the model's loop see the model's candidates
    alone unless marked ``search``."""
    if request.node.get_closest_marker("search") is None:
        from rdebug import pipeline, rounds

        monkeypatch.setattr(pipeline, "COMPOSE", rounds.model_only)


@pytest.fixture(autouse=True)
def _no_call_record(request, monkeypatch):
    """The call record (a traced re-run of the failing test) is off unless a test is marked ``calls``."""
    if request.node.get_closest_marker("calls") is None:
        from rdebug.facts import stage

        monkeypatch.setattr(stage, "ENABLED", False)


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory):
    if os.environ.get("RDEBUG_CACHE_DIR"):
        yield
        return
    os.environ["RDEBUG_CACHE_DIR"] = str(tmp_path_factory.mktemp("rdebug-cache"))
    try:
        yield
    finally:
        os.environ.pop("RDEBUG_CACHE_DIR", None)
