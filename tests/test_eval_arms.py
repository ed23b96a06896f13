"""`rdebug eval --arm`: configurations side by side in one run, the model loaded once, arms alternating per case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rdebug.cli import main
from rdebug.config import Config
from rdebug.errors import UsageError
from rdebug.evaluation.arms import Arm, arm_order, make_arms, parse_arm, run_arms, summarize
from rdebug.evaluation.cases import Case
from rdebug.evaluation.run import CaseResult

LIMITS = "def within(value, limit):\n    return value < limit\n"
FIX = """The bound is exclusive; the limit itself is within.

limits.py
<<<<<<< SEARCH
    return value < limit
=======
    return value <= limit
>>>>>>> REPLACE
"""


@pytest.fixture(autouse=True)
def no_user_config(monkeypatch, tmp_path):
    monkeypatch.setenv("RDEBUG_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def _cases(root: Path) -> Path:
    for name, check in (("01-equal", "assert within(3, 3), 'within(3, 3) is False'"),
                        ("02-both", "assert within(5, 5) and within(1, 2), 'within(5, 5) is False'")):
        repo = root / name / "repo"
        repo.mkdir(parents=True)
        (repo / "limits.py").write_text(LIMITS)
        (repo / "check.py").write_text(f"from limits import within\n\n{check}\n")
        (root / name / "case.toml").write_text('command = "python check.py"\ntimeout = 60\n')
    return root


def _replay(tmp_path: Path) -> str:
    path = tmp_path / "replies.txt"
    path.write_text(FIX)  # the last reply repeats: every model turn (a fix or an explanation) gets it
    return f"replay:{path}"


@pytest.mark.search
def test_two_arms_differing_in_search_score_each_source_with_the_model_loaded_once(tmp_path, capsys, monkeypatch):
    import rdebug.runtime

    opened = []
    real_open = rdebug.runtime.open_backend
    monkeypatch.setattr(rdebug.runtime, "open_backend", lambda cfg: opened.append(cfg) or real_open(cfg))
    cases, saved = _cases(tmp_path / "cases"), tmp_path / "saved"
    code = main(["eval", str(cases), "--backend", _replay(tmp_path), "--attempts", "1", "--json", "--search-first",
                 "--arm", "no-search:search=false", "--save", str(saved)])  # search first: it, not the model, fixes
    captured = capsys.readouterr()
    assert code == 0, captured.err
    doc = json.loads(captured.out)
    assert len(opened) == 1
    assert (doc["cases"], doc["base"], list(doc["arms"])) == (2, "base", ["base", "no-search"])
    base, plain = doc["arms"]["base"], doc["arms"]["no-search"]
    assert [r["source"] for r in base["results"]] == ["search", "search"]
    assert [r["source"] for r in plain["results"]] == ["model", "model"]
    assert (base["fixed"], base["fixed_by_search"], plain["fixed"], plain["fixed_by_model"]) == (2, 2, 2, 2)
    assert (base["search"], plain["search"], plain["overrides"]) == (True, False, {"search": "false"})
    assert plain["search_candidates_tried"] == 0 and plain["model_candidates_tried"] == 2
    assert base["candidates_tried"] >= 2 and plain["candidates_tried"] == 2
    assert base["median_fix_seconds"] is not None and plain["median_fix_seconds"] is not None
    assert plain["vs_base"] == {"fixed_only_here": [], "fixed_only_by_base": []}
    assert {r["case"] for r in plain["results"]} == {"01-equal", "02-both"}
    assert all(r["fix_seconds"] is not None for r in base["results"] + plain["results"])
    # ABAB / BABA: the second case runs the arms in the reverse order
    assert doc["order"] == {"01-equal": ["base", "no-search"], "02-both": ["no-search", "base"]}
    saved_doc = json.loads((saved / "no-search" / "01-equal.json").read_text())
    assert saved_doc["source"] == "model" and saved_doc["patch"].startswith("diff --git")
    assert sorted(p.name for p in (saved / "base").iterdir()) == ["01-equal.json", "02-both.json"]


def test_arms_print_a_row_per_case_and_arm_and_a_summary_per_arm(tmp_path, capsys):
    cases = _cases(tmp_path / "cases")
    code = main(["eval", str(cases), "--only", "01", "--backend", _replay(tmp_path), "--attempts", "1",
                 "--base-name", "k2", "--arm", "k1:samples=1", "--samples", "2"])
    captured = capsys.readouterr()
    out = captured.out
    assert code == 0
    starts = [line.strip() for line in captured.err.splitlines() if line.lstrip().startswith("[1/")]
    assert starts == ["[1/1] 01-equal · k2", "[1/1] 01-equal · k1"]
    rows = [line.split() for line in out.splitlines() if line.startswith("01-equal")]
    assert [row[:3] for row in rows] == [["01-equal", "k2", "yes"], ["01-equal", "k1", "yes"]]
    summary = {line.split()[0]: line.split() for line in out.splitlines() if line.startswith(("k1 ", "k2 ")) and " vs " not in line}
    assert summary["k2"][1] == "1/1" and summary["k1"][1] == "1/1" and "samples=1" in summary["k1"]
    assert "k1 vs k2: fixed 0 that k2 did not, missed 0 that it fixed" in out


def test_without_arms_the_json_keeps_its_single_configuration_shape(tmp_path, capsys):
    cases = _cases(tmp_path / "cases")
    assert main(["eval", str(cases), "--only", "01", "--backend", _replay(tmp_path), "--attempts", "1",
                 "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert "arms" not in doc and (doc["cases"], doc["fixed"], doc["first_attempt"]) == (1, 1, 1)
    assert doc["results"][0]["source"] == "model" and doc["results"][0]["candidates_tried"] == 1


@pytest.mark.parametrize("arm, message", [
    ("nocolon", "expected NAME:KEY=VALUE"),
    (":search=false", "expected NAME:KEY=VALUE"),
    ("a b:search=false", "expected NAME:KEY=VALUE"),
    ("x:search", "'search' is not KEY=VALUE"),
    ("x:search=false,search=true", "'search' is given twice"),
    ("x:bogus=1", "unknown configuration key 'bogus'"),
    ("x:samples=0", "bad value for 'samples': must be at least 1"),
    ("x:search=maybe", "bad value for 'search': not a boolean"),
    ("base:search=false", "the name is taken"),
])
def test_bad_arm_text_is_one_line_and_runs_nothing(tmp_path, capsys, arm, message):
    code = main(["eval", str(tmp_path / "no-cases"), "--backend", _replay(tmp_path), "--arm", arm])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and err.startswith("rdebug: --arm")
    assert message in err


@pytest.mark.parametrize("arm, message", [
    ("big:ctx=8192", "'ctx' is read when the model loads"),
    ("other:model=tiny.gguf", "'model' is read when the model loads"),
    ("t:threads=1", "'threads' is read when the model loads"),
    ("g:gpu-layers=0", "'gpu_layers' is read when the model loads"),
    ("k8:samples=8", "8 candidates at once (samples, or spread with focus) are more than the model is loaded for (4)"),
    ("wider:focus=true,spread=5", "5 candidates at once"),
    ("wide:budget=9000", "budget + max_tokens is more than the model's context is sized for"),
])
def test_an_arm_that_needs_another_model_load_is_refused(tmp_path, capsys, arm, message):
    code = main(["eval", str(tmp_path / "no-cases"), "--backend", _replay(tmp_path), "--samples", "4",
                 "--arm", arm])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and message in err


def test_arm_values_are_parsed_as_config_values():
    base = Config(threads=2, samples=4)
    arms = make_arms(base, ["k1:samples=1,search-max=5", "fast:search_seconds=2.5,thinking=off",
                            "same:threads=2", "noise:"])
    assert make_arms(Config(ctx=8192), ["wide:budget=9000"])[1].cfg.budget == 9000  # a fixed context: allowed
    assert [a.name for a in arms] == ["base", "k1", "fast", "same", "noise"]
    assert (arms[1].cfg.samples, arms[1].cfg.search_max, arms[1].overrides) == (1, 5, {"samples": "1",
                                                                                       "search_max": "5"})
    assert (arms[2].cfg.search_seconds, arms[2].cfg.thinking) == (2.5, False)
    assert arms[3].cfg == base and arms[4].cfg == base and base.samples == 4  # the base is not changed
    assert parse_arm("a:") == ("a", {})
    with pytest.raises(UsageError, match="--base-name"):
        make_arms(base, [], "two words")


def test_run_arms_alternates_the_order_and_leaves_the_pipelines_configuration_alone():
    class FakePipeline:
        cfg = Config()

    pipeline = FakePipeline()
    arms = [Arm("a", Config(search=True)), Arm("b", Config(search=False)), Arm("c", Config(samples=3))]
    cases = [Case(f"{i:02d}", Path("."), "true") for i in range(4)]
    seen = []

    def fake_run(case, pipe, arm):
        seen.append((case.name, arm.name, pipe.cfg is FakePipeline.cfg))  # the arm's config goes with the arm
        return CaseResult(case.name, arm.name != "b", 1.0, fix_s=1.0 if arm.name != "b" else None)

    results = run_arms(cases, pipeline, arms, fake_run)
    assert [(c, a) for c, a, _ in seen] == [
        ("00", "a"), ("00", "b"), ("00", "c"), ("01", "c"), ("01", "b"), ("01", "a"),
        ("02", "a"), ("02", "b"), ("02", "c"), ("03", "c"), ("03", "b"), ("03", "a")]
    assert all(ok for _, _, ok in seen)  # never swapped in place
    assert [r.case for r in results["b"]] == ["00", "01", "02", "03"]  # in case order, whatever the run order
    assert arm_order(arms, 1) == arms[::-1]
    assert (summarize(results["a"]).fixed, summarize(results["b"]).fixed) == (4, 0)
    assert summarize(results["b"]).median_fix_s is None and summarize(results["a"]).median_fix_s == 1.0
