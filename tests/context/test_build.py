"""build_context end to end on small repositories."""

from __future__ import annotations

import json

from ctxutil import commit_all, git_init, write

from rdebug.context.build import build_context
from rdebug.intake.model import Frame, Problem

REPO = {
    "app/__init__.py": "",
    "app/parser.py": "import re\n\n\ndef tokenize(text):\n    return text.split()\n\n\n"
                     "def parse_number(tok):\n    if not tok.isdigit():\n        raise ValueError(tok)\n"
                     "    return int(tok)\n",
    "app/service.py": "from app.parser import tokenize, parse_number\n\n\nclass Service:\n"
                      "    def total(self, text):\n        nums = [parse_number(t) for t in tokenize(text)]\n"
                      "        return sum(nums)\n",
    "tests/test_service.py": "from app.service import Service\n\n\ndef test_total():\n"
                             "    assert Service().total(\"1 x\") == 1\n",
}


def problem(**kw):
    frames = [Frame("tests/test_service.py", 5, "test_total", True), Frame("app/service.py", 6, "total", True),
              Frame("/usr/lib/python3.11/re.py", 10, "split", False, external=True),
              Frame("app/parser.py", 10, "parse_number", True)]
    base = dict(kind="pytest", exception="ValueError", message="x", frames=frames,
                test_id="tests/test_service.py::test_total", raw="E   ValueError: x\n")
    base.update(kw)
    return Problem(**base)


def git_repo(tmp_path):
    write(tmp_path, REPO)
    git_init(tmp_path)
    commit_all(tmp_path, "initial")
    write(tmp_path, {"app/parser.py": REPO["app/parser.py"].replace("def ", "\ndef ", 1)})
    commit_all(tmp_path, "spacing")
    write(tmp_path, {"app/parser.py": REPO["app/parser.py"].replace("def ", "\ndef ", 1).replace(
        "raise ValueError(tok)", "raise ValueError(tok)  # TODO")})
    return tmp_path


def test_priorities_marks_callees_and_git(tmp_path):
    ctx = build_context(problem(), git_repo(tmp_path))
    first = ctx.snippets[0]
    assert first.path == "app/parser.py" and first.marked_lines == [10]
    assert "failing frame" in first.reason and "parse_number()" in first.reason
    reasons = [s.reason for s in ctx.snippets]
    assert "failing test test_total()" in reasons[1]
    assert any(s.path == "app/service.py" and 6 in s.marked_lines for s in ctx.snippets)
    assert any(r.startswith("definition of tokenize() called from Service.total()") for r in reasons)
    kinds = [s.kind for s in ctx.snippets]
    assert "diff" in kinds and "blame" in kinds and "log" in kinds
    assert kinds.index("diff") < kinds.index("blame")
    prios = [s.priority for s in ctx.snippets]
    assert prios == sorted(prios, reverse=True)
    assert ctx.used_tokens <= ctx.budget_tokens and not ctx.dropped
    assert not any("git context absent" in n for n in ctx.notes)


def test_json_shape(tmp_path):
    ctx = build_context(problem(), git_repo(tmp_path))
    data = json.loads(json.dumps(ctx.to_json()))
    assert set(data) == {"problem", "snippets", "budget_tokens", "used_tokens", "notes", "dropped"}
    s = data["snippets"][0]
    assert {"path", "start_line", "end_line", "reason", "tokens", "priority", "marked_lines", "language",
            "kind", "line_numbers"} <= set(s)
    assert s["language"] == "python" and s["tokens"] > 0


def test_outside_git(tmp_path):
    write(tmp_path, REPO)
    ctx = build_context(problem(), tmp_path)
    assert "git context absent: not a git repository" in ctx.notes
    assert ctx.snippets[0].path == "app/parser.py"
    assert not any(s.path.startswith("git:") for s in ctx.snippets)


def test_repository_without_commits(tmp_path):
    write(tmp_path, REPO)
    git_init(tmp_path)
    ctx = build_context(problem(), tmp_path)
    assert any("no commits yet" in n for n in ctx.notes)
    assert ctx.snippets[0].path == "app/parser.py"


def test_budget_drops_and_notes(tmp_path):
    ctx = build_context(problem(), git_repo(tmp_path), budget=250)
    assert ctx.dropped and ctx.used_tokens <= 250
    assert any("did not fit the 250-token budget" in n for n in ctx.notes)


def test_count_tokens_hook(tmp_path):
    ctx = build_context(problem(), git_repo(tmp_path), count_tokens=lambda text: 1)
    assert all(s.tokens == 1 for s in ctx.snippets)
    assert ctx.used_tokens == len(ctx.snippets) + 1


def test_include_and_exclude(tmp_path):
    root = git_repo(tmp_path)
    write(root, {"app/extra.py": "EXTRA = 1\n"})
    ctx = build_context(problem(), root, include=["app/extra.py"], exclude=["app/parser.py"])
    paths = [s.path for s in ctx.snippets]
    assert "app/extra.py" in paths and "added by user" in ctx.snippets[paths.index("app/extra.py")].reason
    assert "app/parser.py" not in paths and "git:diff app/parser.py" not in paths
    assert ctx.snippets[0].path == "app/service.py"


def test_huge_function_gets_a_window(tmp_path):
    body = "".join(f"    x{i} = {i}\n" for i in range(400))
    write(tmp_path, {"big.py": f"def big():\n{body}    return 1 / 0\n"})
    ctx = build_context(problem(frames=[Frame("big.py", 402, "big", True)], test_id=None), tmp_path)
    s = ctx.snippets[0]
    assert s.line_numbers[0] == 1 and 402 in s.marked_lines and len(s.line_numbers) < 60
    assert "of a 402-line function" in s.reason


def test_skeleton_of_a_larger_module(tmp_path):
    funcs = "".join(f"def f{i}(x):\n    y = x + {i}\n    return y\n\n\n" for i in range(30))
    write(tmp_path, {"mod.py": funcs + "def boom():\n    raise KeyError(1)\n"})
    ctx = build_context(problem(frames=[Frame("mod.py", 152, "boom", True)], test_id=None), tmp_path)
    sk = [s for s in ctx.snippets if s.kind == "skeleton"]
    assert sk and sk[0].text.splitlines()[:2] == ["def f0(x):", "def f1(x):"]


def test_seeds_and_skipped_files_are_noted(tmp_path):
    write(tmp_path, {"notes.py": "def helper():\n    return 1\n", "blob.py": b"\x00\x01binary"})
    p = Problem(kind="text", message="helper() in notes.py is wrong", seeds=["notes.py", "blob.py"])
    ctx = build_context(p, tmp_path)
    assert ctx.snippets[0].path == "notes.py" and ctx.snippets[0].kind == "file"
    assert any("blob.py: binary file" in n for n in ctx.notes)
    assert any("no repository frames" in n for n in ctx.notes)


def test_missing_frame_file_and_test(tmp_path):
    write(tmp_path, REPO)
    p = problem(frames=[Frame("gone.py", 3, "f", True)], test_id="tests/test_gone.py::test_x")
    ctx = build_context(p, tmp_path)
    assert any("frame file not readable: gone.py" in n for n in ctx.notes)
    assert any("failing test not found" in n for n in ctx.notes)


def test_warm_call_reuses_the_index(tmp_path):
    root = git_repo(tmp_path)
    a = build_context(problem(), root)
    b = build_context(problem(), root)
    assert [s.to_json() for s in a.snippets] == [s.to_json() for s in b.snippets]


def test_chained_cause_frame_is_included(tmp_path):
    write(tmp_path, {"a.py": "def load(d):\n    try:\n        return d['k']\n    except KeyError:\n"
                             "        raise RuntimeError('no k')\n"})
    cause = Problem(kind="python", exception="KeyError", message="'k'", frames=[Frame("a.py", 3, "load", True)])
    p = Problem(kind="python", exception="RuntimeError", frames=[Frame("a.py", 5, "load", True)], chain=[cause])
    ctx = build_context(p, tmp_path)
    assert ctx.snippets[0].marked_lines == [3, 5]
    assert "cause frame a.py:3" in ctx.snippets[0].reason


def test_typescript_jest_title_and_callees_of_callees(tmp_path):
    write(tmp_path, {
        "src/cart.ts": "import { applyDiscount } from './pricing';\n\nexport class Cart {\n  items: number[] = [];\n"
                       "  total(code?: string): number {\n    const sum = this.items.reduce((a, b) => a + b, 0);\n"
                       "    return applyDiscount(sum, code);\n  }\n}\n",
        "src/pricing.ts": "export function applyDiscount(sum: number, code?: string): number {\n"
                          "  return code === 'HALF' ? sum / 3 : sum;\n}\n",
        "__tests__/cart.test.ts": "import { Cart } from '../src/cart';\n\ndescribe('Cart', () => {\n"
                                  "  it('halves with HALF', () => {\n    const c = new Cart();\n"
                                  "    expect(c.total('HALF')).toBe(5);\n  });\n});\n",
    })
    p = Problem(kind="jest", message="expect(received).toBe(expected)", test_id="Cart › halves with HALF",
                frames=[Frame("__tests__/cart.test.ts", 6, None, True)])
    ctx = build_context(p, tmp_path)
    first = ctx.snippets[0]
    assert (first.path, first.start_line, first.end_line, first.language) == ("__tests__/cart.test.ts", 4, 7,
                                                                              "typescript")
    assert 'failing test "halves with HALF"' in first.reason
    by_path = {s.path: s for s in ctx.snippets}
    assert "definition of total()" in by_path["src/cart.ts"].reason
    assert by_path["src/pricing.ts"].reason.startswith("definition of applyDiscount()")
    assert by_path["src/pricing.ts"].priority < by_path["src/cart.ts"].priority


def test_imports_of_the_failing_file_rank_high_for_name_errors(tmp_path):
    write(tmp_path, {"a.py": "import os\nfrom b import (\n    helper,\n    other,\n)\n\n\ndef f():\n    return helpr()\n"})
    p = Problem(kind="python", exception="NameError", message="name 'helpr' is not defined",
                frames=[Frame("a.py", 9, "f", True)])
    ctx = build_context(p, tmp_path)
    head = next(s for s in ctx.snippets if "imports of the failing file" in s.reason)
    assert (head.start_line, head.end_line) == (1, 5) and head.priority > 80
