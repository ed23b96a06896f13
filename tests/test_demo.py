"""`rdebug demo`: the bundled project is copied, and the default model is asked to think unless told."""

import argparse

import pytest

from rdebug.commands import demo, interactive
from rdebug.config import Config


@pytest.mark.parametrize("chosen, expected", [(None, True), (False, False), (True, True)])
def test_the_demo_asks_the_model_to_think_unless_the_user_chose(tmp_path, monkeypatch, chosen, expected):
    seen = {}
    monkeypatch.setattr(interactive, "run", lambda args, cfg: seen.update(cfg=cfg, args=args) or 0)
    args = argparse.Namespace(dir=str(tmp_path / "demo"))
    assert demo.run(args, Config(thinking=chosen)) == 0
    assert seen["cfg"].thinking is expected
    assert (tmp_path / "demo" / "paging.py").is_file() and not (tmp_path / "demo" / "case.toml").exists()
