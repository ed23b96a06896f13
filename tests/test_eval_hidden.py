"""The eval's hidden check (issue 22 §6): after a verified fix, a case's ``hidden/`` test runs over a copy of the
fixed tree; a fix that passes the case's command but not its hidden test is "wrong but verified"."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from rdebug.cli import main
from rdebug.evaluation.hidden import HiddenCheck, hidden_command, run_hidden_check
from rdebug.evaluation.arms import summarize
from rdebug.evaluation.cases import load_cases
from rdebug.evaluation.run import CaseResult

LIMITS = "def within(value, limit):\n    return value < limit\n"
FIXED = "def within(value, limit):\n    return value <= limit\n"
RIGHT = "def within(value, limit):\n    return 0 <= value <= limit\n"
FIX = """The bound is inclusive; the limit itself is within.

limits.py
<<<<<<< SEARCH
    return value < limit
=======
    return value <= limit
>>>>>>> REPLACE
"""
# the hidden tests: "01-ok" checks what the fix above does; "02-wrong" also wants negative values refused
HIDDEN = {"01-ok": "assert within(2, 3) and within(3, 3) and not within(4, 3)\n",
          "02-wrong": "assert within(3, 3) and not within(-1, 3), 'negative values are within'\n"}
HIDDEN_COMMAND = "python hidden_checks/check_more.py"


@pytest.fixture(autouse=True)
def no_user_config(monkeypatch, tmp_path):
    monkeypatch.setenv("RDEBUG_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def _case(root: Path, name: str, hidden: str | None = None, toml_extra: str = "") -> Path:
    case = root / name
    (case / "repo").mkdir(parents=True)
    (case / "repo" / "limits.py").write_text(LIMITS)
    (case / "repo" / "check.py").write_text("from limits import within\n\nassert within(3, 3), 'within(3, 3)'\n")
    toml = 'command = "python check.py"\ntimeout = 60\n' + toml_extra
    if hidden is not None:
        (case / "hidden" / "hidden_checks").mkdir(parents=True)
        (case / "hidden" / "hidden_checks" / "check_more.py").write_text(
            "import sys\nsys.path.insert(0, '.')\nfrom limits import within\n\n" + hidden)
        toml += f'hidden_command = "{HIDDEN_COMMAND}"\n'
    (case / "case.toml").write_text(toml)
    return case


def _cases(root: Path) -> Path:
    for name, hidden in HIDDEN.items():
        _case(root, name, hidden)
    _case(root, "03-none")  # no hidden check
    return root


def _tree(tmp_path: Path, case: Path, code: str) -> Path:
    """A copy of the case's repository with ``code`` as its limits.py: the "fixed" tree."""
    tree = tmp_path / f"fixed-{case.name}"
    tree.mkdir(parents=True)
    (tree / "check.py").write_text((case / "repo" / "check.py").read_text())
    (tree / "limits.py").write_text(code)
    return tree


def _replay(tmp_path: Path) -> str:
    path = tmp_path / "replies.txt"
    path.write_text(FIX)
    return f"replay:{path}"


def test_the_hidden_check_judges_the_fixed_tree_on_a_copy(tmp_path):
    case = _case(tmp_path / "cases", "02-wrong", HIDDEN["02-wrong"])
    assert hidden_command(case) == HIDDEN_COMMAND
    wrong, right = _tree(tmp_path / "wrong", case, FIXED), _tree(tmp_path / "right", case, RIGHT)
    check = run_hidden_check(case, wrong, timeout_s=60)
    assert isinstance(check, HiddenCheck) and (check.ran, check.passed) == (True, False)
    assert "negative values are within" in check.output_tail
    check = run_hidden_check(case, right, timeout_s=60)
    assert (check.ran, check.passed) == (True, True)
    assert not (wrong / "hidden_checks").exists()  # the fixed tree itself is left as it was


def test_the_buggy_tree_fails_the_hidden_check_too(tmp_path):
    case = _case(tmp_path / "cases", "01-ok", HIDDEN["01-ok"])
    assert run_hidden_check(case, case / "repo", timeout_s=60).passed is False
    assert run_hidden_check(case, _tree(tmp_path, case, FIXED), timeout_s=60).passed is True


def test_no_hidden_check_is_not_run(tmp_path):
    case = _case(tmp_path / "cases", "03-none")
    assert hidden_command(case) is None
    check = run_hidden_check(case, case / "repo")
    assert (check.ran, check.passed) == (False, False)
    with_command_only = _case(tmp_path / "cases", "04-no-folder", toml_extra='hidden_command = "python x.py"\n')
    assert hidden_command(with_command_only) is None  # a command without its hidden/ folder
    assert run_hidden_check(with_command_only, with_command_only / "repo", command="python x.py").ran is False


def test_a_command_that_cannot_start_did_not_run_and_a_timeout_did_not_pass(tmp_path):
    case = _case(tmp_path / "cases", "01-ok", HIDDEN["01-ok"])
    missing = run_hidden_check(case, case / "repo", command="no-such-program-rdebug --x")
    assert (missing.ran, missing.passed) == (False, False) and "no-such-program-rdebug" in missing.output_tail
    slow = run_hidden_check(case, case / "repo", timeout_s=0.5,
                            command=f"{sys.executable} -c \"import time; time.sleep(30)\"")
    assert (slow.ran, slow.passed) == (True, False) and "timed out" in slow.output_tail


def test_load_cases_reads_the_hidden_command(tmp_path):
    cases = {c.name: c for c in load_cases(_cases(tmp_path / "cases"))}
    assert cases["01-ok"].hidden_command == HIDDEN_COMMAND and cases["03-none"].hidden_command is None


def test_summary_counts_fixed_cases_that_fail_their_hidden_check():
    results = [CaseResult("a", True, 1.0, hidden=True), CaseResult("b", True, 1.0, hidden=False),
               CaseResult("c", True, 1.0), CaseResult("d", False, 1.0)]
    summary = summarize(results)
    assert (summary.wrong_but_verified, summary.hidden_checked) == (1, 2)
    assert summary.to_json()["wrong_but_verified"] == 1
    assert [r.to_json()["hidden"] for r in results] == [True, False, None, None]


def test_eval_runs_the_hidden_check_after_a_fix_and_reports_wrong_but_verified(tmp_path, capsys):
    cases = _cases(tmp_path / "cases")
    code = main(["eval", str(cases), "--backend", _replay(tmp_path), "--attempts", "1", "--no-search", "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    doc = json.loads(captured.out)
    assert [(r["case"], r["fixed"], r["hidden"]) for r in doc["results"]] == [
        ("01-ok", True, True), ("02-wrong", True, False), ("03-none", True, None)]
    assert (doc["fixed"], doc["wrong_but_verified"], doc["hidden_checked"]) == (3, 1, 2)


def test_the_tables_mark_each_case_and_count_per_arm(tmp_path, capsys):
    cases = _cases(tmp_path / "cases")
    assert main(["eval", str(cases), "--backend", _replay(tmp_path), "--attempts", "1", "--no-search"]) == 0
    out = capsys.readouterr().out
    marks = {line.split()[0]: line.split()[-1] for line in out.splitlines() if line[:2] in ("01", "02", "03")}
    assert marks == {"01-ok": "ok", "02-wrong": "WRONG", "03-none": "-"}
    assert "wrong-but-verified: 1 of the 2 fixed cases with a hidden check" in out

    assert main(["eval", str(cases), "--only", "02", "--backend", _replay(tmp_path), "--attempts", "1",
                 "--no-search", "--arm", "again:"]) == 0
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines() if line.startswith("02-wrong")]
    assert [(row[1], row[-1]) for row in rows] == [("base", "WRONG"), ("again", "WRONG")]
    assert "wrong-but-verified" in next(line for line in out.splitlines() if line.startswith("arm "))
    summary = {line.split()[0]: line.split() for line in out.splitlines()
               if line.startswith(("base ", "again ")) and " vs " not in line}
    # arm, fixed, first try, median fix s, tokens, tried, by search, by model, wrong-but-verified, settings
    assert summary["base"][8] == "1" and summary["again"][8] == "1"
