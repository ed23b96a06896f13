"""The fix templates (issue 22 §2) on tiny Python and JavaScript fixtures, each edit still parsing; edits folded
as a person would write them (§3); and a bench case fixed end to end by the search with a template."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rdebug.context.languages import parser
from rdebug.search.fold import fold_text
from rdebug.search.mutation import TEMPLATE_KINDS, Mutation
from rdebug.search.operators import mutations

CASES = Path(__file__).resolve().parents[2] / "bench" / "cases"


def _parses(path: str, src: str) -> bool:
    if path.endswith(".py"):
        compile(src, path, "exec")
        return True
    return not parser("javascript").parse(src.encode()).root_node.has_error


def _edits(path: str, src: str, lines: set[int] | None = None) -> list[tuple[str, str]]:
    lines = lines or set(range(1, src.count("\n") + 2))
    return [(m.kind, m.apply(src.encode()).decode()) for m in mutations(path, src, lines)]


def _fixed(path: str, src: str, kind: str, fragment: str, lines: set[int] | None = None) -> str:
    found = [new for k, new in _edits(path, src, lines) if k == kind and fragment in new]
    assert found, sorted(_edits(path, src, lines))
    assert _parses(path, found[0]), found[0]
    return found[0]


PY = [
    ("mutable-default", "class R:\n    def register(self, name, groups=[]):\n        groups.append(name)\n"
                        "        return groups\n",
     "    def register(self, name, groups=None):\n        if groups is None:\n            groups = []\n"
     "        groups.append(name)\n"),
    ("mutable-default", 'def f(seen=set()):\n    """Doc."""\n    seen.add(1)\n    return seen\n',
     'def f(seen=None):\n    """Doc."""\n    if seen is None:\n        seen = set()\n    seen.add(1)\n'),
    ("mutable-default", "def f(opts: dict = {}):\n    return opts\n",
     "def f(opts: dict = None):\n    if opts is None:\n        opts = {}\n    return opts\n"),
    ("reraise", "def retry(fn, n):\n    last = None\n    for _ in range(n):\n        try:\n            return fn()\n"
                "        except OSError as exc:\n            last = exc\n    return None\n", "    raise last\n"),
    ("reraise", "def retry(fn, n):\n    for _ in range(n):\n        try:\n            return fn()\n"
                "        except OSError as exc:\n            last = exc\n",
     "            last = exc\n    raise last"),
    ("reraise", "def load(p):\n    try:\n        return open(p).read()\n    except OSError:\n        return None\n",
     "    except OSError:\n        raise\n"),
    ("missing-return", "def area(w, h):\n    w * h\n", "    return w * h\n"),
    ("deepcopy", '"""Doc."""\nimport os\n\n\ndef f(cfg):\n    out = dict(cfg)\n    return out\n',
     '"""Doc."""\nimport copy\nimport os\n\n\ndef f(cfg):\n    out = copy.deepcopy(cfg)\n'),
    ("deepcopy", "import copy\n\n\ndef f(cfg):\n    return cfg.copy()\n", "    return copy.deepcopy(cfg)\n"),
    ("deepcopy", "from copy import deepcopy\n\n\ndef f(cfg):\n    return copy.copy(cfg)\n",
     "    return deepcopy(cfg)\n"),
    ("deepcopy", "def f(cfg):\n    return {**cfg}\n", "import copy\ndef f(cfg):\n    return copy.deepcopy(cfg)\n"),
    ("is-literal", "def f(x):\n    return x is 1\n", "return x == 1"),
    ("is-literal", "def f(x):\n    return x is not 'a'\n", "return x != 'a'"),
    ("append-extend", "def f(xs, ys):\n    xs.append(ys)\n    return xs\n", "xs.extend(ys)"),
    ("append-extend", "def f(xs, ys):\n    xs.extend(ys)\n    return xs\n", "xs.append(ys)"),
    ("min-max", "def f(xs):\n    return min(xs)\n", "return max(xs)"),
    ("missing-await", "async def f(c):\n    data = c.fetch()\n    return data\n", "data = await c.fetch()"),
    ("missing-await", "async def f(c):\n    return c.fetch().json()\n", "return (await c.fetch()).json()"),
    ("missing-break", "def first(xs):\n    found = None\n    for x in xs:\n        if x > 0:\n            found = x\n"
                      "    return found\n", "            found = x\n            break\n"),
    ("call-arg-off-by-one", "def bs(xs, t, lo, hi):\n    mid = (lo + hi) // 2\n    return bs(xs, t, mid, hi)\n",
     "return bs(xs, t, mid + 1, hi)"),
    ("call-arg-off-by-one", "def f(xs, i: int):\n    return g(xs, i)\n", "return g(xs, i - 1)"),
    ("bitwise", "def f(a, b):\n    return a ^ b\n", "return a & b"),
    ("bitwise", "def f(a, b):\n    return a << b\n", "return a >> b"),
    ("bitwise", "def f(a, b):\n    a |= b\n    return a\n", "a &= b"),
    ("exception-class", "def f(d, k):\n    try:\n        return d[k]\n    except IndexError:\n        return None\n",
     "except KeyError:"),
    ("exception-class", "class ConfigError(ValueError):\n    pass\n\n\ndef f(d):\n    try:\n        return d['k']\n"
                        "    except (KeyError, TypeError):\n        return None\n", "except (ConfigError, TypeError):"),
]

JS = [
    ("reraise", "async function retry(fn, n) {\n  let last;\n  for (let i = 0; i < n; i++) {\n    try {\n"
                "      return await fn();\n    } catch (err) {\n      last = err;\n    }\n  }\n  return null;\n}\n",
     "  throw last;\n}"),
    ("reraise", "function load(p) {\n  try {\n    return read(p);\n  } catch (e) {\n    console.log(e);\n  }\n}\n",
     "    console.log(e);\n    throw e;\n"),
    ("reraise", "function load(p) {\n  try {\n    return read(p);\n  } catch (e) {\n    return null;\n  }\n}\n",
     "  } catch (e) {\n    throw e;\n"),
    ("missing-return", "function area(w, h) {\n  w * h;\n}\n", "  return w * h;\n"),
    ("missing-return", "const area = (w, h) => {\n  w * h;\n};\n", "  return w * h;\n"),
    ("deepcopy", "function f(cfg) {\n  const out = { ...cfg };\n  return out;\n}\n",
     "const out = structuredClone(cfg);"),
    ("deepcopy", "function f(cfg) {\n  return Object.assign({}, cfg);\n}\n", "return structuredClone(cfg);"),
    ("append-extend", "function f(xs, ys) {\n  xs.push(ys);\n}\n", "xs.push(...ys);"),
    ("min-max", "function f(a, b) {\n  return Math.min(a, b);\n}\n", "return Math.max(a, b);"),
    ("missing-await", "async function f(store, row) {\n  store.save(row);\n}\n", "  await store.save(row);\n"),
    ("missing-break", "function first(xs) {\n  let found;\n  for (const x of xs) {\n    if (x > 0) {\n"
                      "      found = x;\n    }\n  }\n  return found;\n}\n", "      found = x;\n      break;\n"),
    ("call-arg-off-by-one", "function bs(xs, t, lo, hi) {\n  const mid = (lo + hi) >> 1;\n"
                            "  return bs(xs, t, mid, hi);\n}\n", "return bs(xs, t, mid + 1, hi);"),
    ("bitwise", "function f(a, b) {\n  return a | b;\n}\n", "return a ^ b;"),
    ("promise-all", "async function active(ids, load) {\n  const xs = ids.map((id) => load(id));\n"
                    "  return xs.filter((x) => x.active);\n}\n",
     "  const xs = await Promise.all(ids.map((id) => load(id)));\n  return xs.filter((x) => x.active);\n"),
]


@pytest.mark.parametrize("kind,src,fragment", PY, ids=[f"{k}-{i}" for i, (k, _s, _f) in enumerate(PY)])
def test_python_templates(kind: str, src: str, fragment: str) -> None:
    _fixed("m.py", src, kind, fragment)


@pytest.mark.parametrize("kind,src,fragment", JS, ids=[f"{k}-{i}" for i, (k, _s, _f) in enumerate(JS)])
def test_javascript_templates(kind: str, src: str, fragment: str) -> None:
    _fixed("m.js", src, kind, fragment)


def test_every_template_kind_has_a_fixture() -> None:
    assert {k for k, _s, _f in PY + JS} == set(TEMPLATE_KINDS)


def test_a_mutable_default_is_found_from_any_line_of_the_function() -> None:
    src = "class R:\n    def register(self, name, groups=[]):\n        self.names = name\n        groups.append(name)\n"
    for line in (2, 4):
        found = [m for m in mutations("m.py", src, {line}) if m.kind == "mutable-default"]
        assert len(found) == 1 and found[0].line == line
    assert "`groups=[]` → `groups=None; if groups is None:" in found[0].label


def test_templates_keep_to_the_given_lines() -> None:
    src = "def f(a, b):\n    x = a ^ b\n    y = min(a, b)\n    return x, y\n"
    assert {m.line for m in mutations("m.py", src, {3})} == {3}


def test_side_effect_calls_and_assignments_are_not_returned() -> None:
    for body in ("    print(x)\n", "    y = x\n", "    xs.append(x)\n"):
        src = f"def f(x, xs):\n{body}"
        assert not [k for k, _new in _edits("m.py", src) if k == "missing-return"]


def test_only_names_used_as_numbers_are_passed_on_plus_minus_one() -> None:
    src = "def f(name, lo=0):\n    return g(name, lo)\n"
    news = [new for k, new in _edits("m.py", src) if k == "call-arg-off-by-one"]
    assert sorted(news) == [src.replace("lo)\n", "lo + 1)\n"), src.replace("lo)\n", "lo - 1)\n")]


def test_an_awaited_call_gets_no_second_await() -> None:
    src = "async def f(c):\n    return await c.fetch()\n"
    assert not [k for k, _new in _edits("m.py", src) if k == "missing-await"]
    assert not [k for k, _new in _edits("m.py", "def f(c):\n    return c.fetch()\n") if k == "missing-await"]


@pytest.mark.parametrize("body,uses", [
    ("const xs = ids.map(async (id) => { const r = await get(id); return r.body; });", "return xs[0];"),
    ("const xs = ids.map(load);", "return xs.length;"),
    ("let xs = ids.map((id) => this.db.get(id));", "for (const x of xs) total += x.n;"),
])
def test_an_array_of_promises_read_as_values_is_awaited(body: str, uses: str) -> None:
    src = f"async function f(ids, load) {{\n  let total = 0;\n  {body}\n  {uses}\n}}\n"
    news = [new for k, new in _edits("m.js", src) if k == "promise-all"]
    assert len(news) == 1 and "xs = await Promise.all(ids.map(" in news[0] and _parses("m.js", news[0])


@pytest.mark.parametrize("src", [
    # already awaited, or already Promise.all
    "async function f(ids, load) {\n  const xs = await Promise.all(ids.map((id) => load(id)));\n"
    "  return xs.filter((x) => x.ok);\n}\n",
    "async function f(ids, load) {\n  const xs = Promise.all(ids.map((id) => load(id)));\n  return xs;\n}\n",
    # not in an async function
    "function f(ids, load) {\n  const xs = ids.map((id) => load(id));\n  return xs.filter((x) => x.ok);\n}\n",
    # a synchronous callback
    "async function f(ids) {\n  const xs = ids.map((id) => String(id).trim());\n  return xs.filter(Boolean);\n}\n",
    "async function f(ids) {\n  const xs = ids.map((id) => id * 2);\n  return xs.filter((x) => x > 2);\n}\n",
    # the promises are not read as values
    "async function f(ids, load) {\n  const xs = ids.map((id) => load(id));\n  return Promise.all(xs);\n}\n",
])
def test_no_promise_all_where_the_array_is_not_of_pending_values(src: str) -> None:
    assert not [k for k, _new in _edits("m.js", src) if k == "promise-all"]


def test_a_mutation_with_extra_spans_applies_them_all() -> None:
    m = Mutation("m.py", 2, "deepcopy", 10, 13, "XYZ", "abc", "XYZ", ((0, 0, "import copy\n"),))
    assert m.apply(b"0123456789abcdef") == b"import copy\n0123456789XYZdef"


# --- edits as a person writes them (issue 22 §3) ------------------------------------------------------------
@pytest.mark.parametrize("raw,folded", [
    ("1 - 1", "0"), ("0 + 1", "1"), ("x + 0", "x"), ("x - 0", "x"), ("n + 1 - 1", "n"), ("(a - 1) + 1", "a"),
    ("(a - 1) - 1", "a - 2"), ("(-1) - 1", "-2"), ("(i + 1)", "(i + 1)"), ("len(xs) - 1", "len(xs) - 1"),
    ("(1 + 1)", "2"), ("(x < 1) + 1", "(x < 1) + 1"), ("a * -1", "a * -1"), ("1e-5 + 0", "1e-5"),
    ('"v" + 1 + 1', '"v" + 1 + 1'),
])
def test_fold_text(raw: str, folded: str) -> None:
    assert fold_text(raw) == folded


def test_off_by_one_edits_are_folded() -> None:
    src = "def f(lines):\n    for i in range(1, len(lines) - 1):\n        print(lines[i])\n"
    edits = [(k, new) for k, new in _edits("m.py", src, {2})]
    assert ("off-by-one", src.replace("range(1,", "range(0,")) in edits
    assert not [new for _k, new in edits if "1 - 1" in new or "1 + 1" in new or "- 0" in new or "+ 0" in new]
    assert not [new for _k, new in edits if new == src]  # no no-op edit


def test_an_operand_plus_minus_one_folds_into_its_sum() -> None:
    src = "def f(n):\n    return n + 1\n"
    news = {new for _k, new in _edits("m.py", src)}
    assert "def f(n):\n    return n + 2\n" in news
    assert not [new for new in news if "(n - 1) + 1" in new or "(n + 1) + 1" in new]


# --- the search fixes a bench case with a template ---------------------------------------------------------
@pytest.mark.search
def test_the_search_fixes_a_mutable_default_bench_case(tmp_path, monkeypatch, capsys):
    from rdebug.cli import main
    from rdebug.evaluation.cases import case_argv, load_cases, prepare_repo

    config = tmp_path / "config.toml"
    config.write_text("search_seconds = 240\n")  # the template's edit is the 5th tried: room on a busy machine
    monkeypatch.setenv("RDEBUG_CONFIG", str(config))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    case = next(c for c in load_cases(CASES) if c.name == "06-event-log-mutable-default")
    root = prepare_repo(case, tmp_path / case.name)
    replies = tmp_path / "reply.txt"
    replies.write_text("<think>Hmm.</think>I am not sure what is wrong here.")
    code = main(["fix", "--root", str(root), "--backend", f"replay:{replies}", "--attempts", "1", "--json",
                 "--", *case_argv(case.command)])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["verified"] is True and doc["source"] == "search"
    assert "+    def __init__(self, job: str, entries=None):" in doc["patch"]
    assert "+        if entries is None:" in doc["patch"]
    found = [a for a in doc["attempts"] if a.get("source") == "search"]
    assert found and found[0]["kind"] == "mutable-default"
