"""The call recorder plugin's record on fixtures, the record's loading and its rendering for the prompt."""

from __future__ import annotations

import json
import sys

import pytest
from callrecord_fixtures import ODDITIES, SHOP, run_plugin, write_tree

from rdebug.facts.callplugin import short_repr
from rdebug.facts.callrecord import Call, CallRecord, NoRecord, assertion_text, load_record, render

TRACERS = [pytest.param(True, id="settrace")]
if sys.version_info >= (3, 12):
    TRACERS.append(pytest.param(False, id="sys.monitoring"))


def _by_name(doc: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}

    def visit(c):
        out.setdefault(c["name"], []).append(c)
        for k in c["children"]:
            visit(k)

    for c in doc["tests"][0]["calls"]:
        visit(c)
    return out


@pytest.mark.parametrize("settrace", TRACERS)
def test_nested_calls_with_values_and_lines(tmp_path, settrace):
    root = write_tree(tmp_path / "repo", SHOP)
    doc = run_plugin(root, "tests/test_ship.py::test_light_parcel", tmp_path, settrace)
    assert doc["matched"] == 1 and len(doc["tests"]) == 1  # the other test was deselected
    test = doc["tests"][0]
    assert test["failed"] and "assert 90.0 == 5.0" in test["failure"]
    [top] = test["calls"]  # the test file itself is not recorded
    assert (top["name"], top["file"], top["ret"]) == ("ship_cost", "shop/ship.py", "90.0")
    assert top["args"] == [["items", "[{'grams': 500}, {'grams': 1000}, {'grams': 1000}]"]]
    assert [c["name"] for c in top["children"]] == ["total_weight", "tier_for"]
    weight, tier = top["children"]
    assert weight["ret"] == "2500" and tier["args"] == [["weight", "2500"]] and tier["ret"] == "'freight'"
    assert tier["lines"] == [5, 6]  # the branch it took
    # the generator expression is not a call of its own: line_weight hangs under total_weight
    assert [c["name"] for c in weight["children"]] == ["line_weight", "line_weight"]
    assert weight["children"][1]["repeat"] == 2  # two identical calls counted into one


@pytest.mark.parametrize("settrace", TRACERS)
def test_exceptions_generators_recursion_and_bad_values(tmp_path, settrace):
    root = write_tree(tmp_path / "repo", ODDITIES)
    doc = run_plugin(root, "tests/test_odd.py::test_odd", tmp_path, settrace)
    calls = _by_name(doc)
    assert doc["tests"][0]["errors"] == []
    assert [c["args"][0][1] for c in calls["fact"]] == ["30", "29", "28"]  # 3 calls per function at most
    assert calls["boom"][0]["exc"] == "KeyError: 3" and calls["boom"][0]["ret"] is None
    assert calls["safe"][0]["ret"] == "-1" and calls["safe"][0]["exc"] is None  # caught inside
    assert calls["numbers"][0]["yields"] == ["0", "10", "20"] and calls["numbers"][0]["done"]
    ret = calls["huge"][0]["ret"]
    assert len(ret) <= 100 and "<int of" in ret
    assert calls["loud"][0]["ret"] == "<repr failed: ValueError>"
    assert doc["tests"][0]["omitted"] > 0


@pytest.mark.parametrize("settrace", TRACERS)
def test_runaway_recursion_is_capped_and_the_test_still_fails_its_own_way(tmp_path, settrace):
    root = write_tree(tmp_path / "repo", ODDITIES)
    doc = run_plugin(root, "tests/test_odd.py::test_deep", tmp_path, settrace, depth=5)
    test = doc["tests"][0]
    assert "RecursionError" in test["failure"]
    assert len(_by_name(doc)["deep"]) == 3


def test_total_cap(tmp_path):
    root = write_tree(tmp_path / "repo", ODDITIES)
    doc = run_plugin(root, "tests/test_odd.py::test_many", tmp_path, max=4, per_function=50)
    test = doc["tests"][0]
    assert test["recorded"] == 4 and test["capped"] and test["omitted"] > 0
    assert test["calls"][0]["ret"] is not None  # the outer call's return is still seen after the cap


def test_an_unknown_test_id_is_said(tmp_path):
    root = write_tree(tmp_path / "repo", SHOP)
    (tmp_path / "calls.json").write_text(json.dumps(run_plugin(root, "tests/test_ship.py::nope", tmp_path)))
    with pytest.raises(NoRecord, match="did not find the failing test"):
        load_record(tmp_path / "calls.json")


def test_short_repr_never_raises_and_stays_short():
    class Bad:
        def __repr__(self):
            raise RuntimeError

    class NotStr:
        def __repr__(self):
            return 3

    assert short_repr(Bad()) == "<repr failed: RuntimeError>"
    assert short_repr([Bad()]) == "[<repr failed: RuntimeError>]"
    assert short_repr(NotStr()) == "<repr failed: TypeError>"
    assert len(short_repr({i: "x" * 1000 for i in range(10 ** 5)})) <= 100
    assert short_repr(10 ** 10000).startswith("<int of")


def _record() -> CallRecord:
    weight = Call("total_weight", "shop/weights.py", 5, [("items", "[…3 items]")], ret="2500", lines=[7])
    tier = Call("tier_for", "shop/ship.py", 4, [("weight", "2500")], ret="'freight'", lines=[5, 6])
    top = Call("ship_cost", "shop/ship.py", 10, [("items", "[…3 items]")], ret="90.0", lines=[11, 12],
               children=[weight, tier])
    return CallRecord("tests/test_ship.py::test_light_parcel", [top], omitted=2)


def test_render_nests_callees_and_marks_the_innermost_value_in_the_assertion():
    text = render(_record(), assertion_text("AssertionError", "assert 90.0 == 5.0\n"
                                            " +  where 90.0 = ship_cost([{'grams': 2500}])"))
    lines = text.splitlines()
    assert lines[1].startswith("ship_cost(items=[…3 items]) -> 90.0   [shop/ship.py:10, ran 11-12]")
    assert lines[1].endswith("◀ in the failure message")
    assert lines[2].startswith("  total_weight(items=[…3 items]) -> 2500") and "◀" not in lines[2]
    assert lines[3].startswith("  tier_for(weight=2500) -> 'freight'   [shop/ship.py:4, ran 5-6]")
    assert "2 more call(s)" in lines[-1]


def test_render_marks_the_inner_call_when_its_value_is_the_asserted_one():
    text = render(_record(), assertion_text("AssertionError", "assert 2500 == 2.5"))
    marked = [line.strip().split("(")[0] for line in text.splitlines() if "◀" in line]
    assert marked == ["total_weight"]


def test_render_caps_its_lines():
    rec = CallRecord("t", [Call(f"f{i}", "a.py", i, [], ret=str(i)) for i in range(100)])
    lines = render(rec, max_lines=10).splitlines()
    assert len(lines) == 12 and "90 more call(s)" in lines[-1]
