"""fix / undo / eval through the real command line, with replayed model replies."""

import json
import sys

import pytest

from helpers_patch import CART, CART_TEST, FIX_REPLY, snapshot

from rdebug.cli import main

CHECK = "import cart; assert cart.discount(100, 10) == 90, cart.discount(100, 10)"
WRONG = FIX_REPLY.replace("total - total", "total * total")
SEP = "\n=== rdebug-replay-next ===\n"


@pytest.fixture(autouse=True)
def no_user_config(monkeypatch, tmp_path):
    monkeypatch.setenv("RDEBUG_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("NO_COLOR", "1")


def _replay(tmp_path, *replies):
    path = tmp_path / "replies.txt"
    path.write_text(SEP.join(replies))
    return f"replay:{path}"


def _fix(repo, backend, *extra):
    return main(["fix", "--root", str(repo), "--backend", backend, "--no-regressions", *extra,
                 "--", sys.executable, "-c", CHECK])


def test_fix_json_finds_verified_patch_without_touching_the_tree(cart_repo, tmp_path, capsys):
    before = snapshot(cart_repo)
    code = _fix(cart_repo, _replay(tmp_path, WRONG, FIX_REPLY), "--json")
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert doc["verified"] is True and doc["applied"] is False
    assert [a["verified"] for a in doc["attempts"]] == [False, True]
    assert "+    return total - total * percent / 100" in doc["patch"]
    assert doc["problem"]["exception"] == "AssertionError"
    assert set(doc["stats"]) == {"model", "prompt_tokens", "thinking_tokens", "answer_tokens", "seconds"}
    assert snapshot(cart_repo) == before


def test_fix_yes_applies_and_undo_restores(cart_repo, tmp_path, capsys):
    before = snapshot(cart_repo)
    assert _fix(cart_repo, _replay(tmp_path, FIX_REPLY), "--yes") == 0
    assert "total - total" in (cart_repo / "cart.py").read_text()
    captured = capsys.readouterr()
    assert "+    return total - total" in captured.out and "applied to cart.py" in captured.err
    assert main(["undo", "--root", str(cart_repo), "--list"]) == 0
    assert "applied" in capsys.readouterr().out
    assert main(["undo", "--root", str(cart_repo)]) == 0
    assert snapshot(cart_repo) == before
    assert main(["undo", "--root", str(cart_repo)]) == 1
    assert "nothing to undo" in capsys.readouterr().err


def test_fix_exit_1_when_nothing_verified_and_tree_untouched(cart_repo, tmp_path, capsys):
    before = snapshot(cart_repo)
    assert _fix(cart_repo, _replay(tmp_path, WRONG, "no idea"), "--attempts", "2", "--yes") == 1
    assert "best patch (NOT verified)" in capsys.readouterr().err
    assert snapshot(cart_repo) == before


def test_fix_refuses_yes_during_a_merge(cart_repo, tmp_path, capsys):
    (cart_repo / ".git" / "MERGE_HEAD").write_text("0" * 40 + "\n")
    assert _fix(cart_repo, _replay(tmp_path, FIX_REPLY), "--yes") == 2
    assert "in the middle of a merge" in capsys.readouterr().err


def test_fix_model_error_exit_3(cart_repo, tmp_path, capsys):
    assert _fix(cart_repo, f"replay:{tmp_path / 'missing.txt'}") == 3
    assert "cannot read replay file" in capsys.readouterr().err


def _case(root, name, command):
    (root / name / "repo").mkdir(parents=True)
    (root / name / "repo" / "cart.py").write_text(CART)
    (root / name / "repo" / "test_cart.py").write_text(CART_TEST)
    (root / name / "case.toml").write_text(f'command = "{command}"\ntimeout = 60\n')


def test_eval_scores_cases(tmp_path, capsys):
    cases = tmp_path / "cases"
    _case(cases, "01-discount", "python -c 'import cart; assert cart.discount(100, 10) == 90'")
    _case(cases, "02-total", "python -c 'import cart; assert cart.total([(1, 1)]) == 2'")
    replies = _replay(tmp_path, FIX_REPLY, "no edits", "still nothing")
    assert main(["eval", str(cases), "--backend", replies, "--attempts", "2", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["cases"], doc["fixed"]) == (2, 1)
    assert [(r["case"], r["fixed"], r["attempts"]) for r in doc["results"]] == [
        ("01-discount", True, 1), ("02-total", False, 2)]
    assert not (cases / "01-discount" / "repo" / ".git").exists()
    assert (cases / "01-discount" / "repo" / "cart.py").read_text() == CART


def test_eval_baseline_applies_the_first_reply_unverified(tmp_path, capsys):
    cases = tmp_path / "cases"
    _case(cases, "01-discount", "python -c 'import cart; assert cart.discount(100, 10) == 90'")
    assert main(["eval", str(cases), "--backend", _replay(tmp_path, FIX_REPLY), "--baseline"]) == 0
    out = capsys.readouterr().out
    assert "fixed 1/1" in out and "01-discount" in out


def test_eval_counts_the_first_attempt_and_saves_every_attempt(tmp_path, capsys):
    cases, saved = tmp_path / "cases", tmp_path / "saved"
    _case(cases, "01-discount", "python -c 'import cart; assert cart.discount(100, 10) == 90'")
    replies = _replay(tmp_path, WRONG, FIX_REPLY)
    assert main(["eval", str(cases), "--backend", replies, "--attempts", "2", "--save", str(saved)]) == 0
    out = capsys.readouterr().out
    assert "fixed 1/1" in out and "first attempt alone (one call, no feedback) 0/1" in out
    doc = json.loads((saved / "01-discount.json").read_text())
    assert (doc["fixed"], doc["first_attempt"]) == (True, False)
    assert [a["verified"] for a in doc["attempts_detail"]] == [False, True]
    assert "discount" in doc["attempts_detail"][1]["answer"] and doc["patch"].startswith("diff --git")
