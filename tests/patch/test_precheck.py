import shutil

import pytest
from helpers_patch import FIX_REPLY

from rdebug.patch.compose import build_patch
from rdebug.patch.edits import parse_edits
from rdebug.patch.precheck import PrecheckResult, precheck, precheck_files
from rdebug.prompts import precheck_feedback
from rdebug.prompts import RETRY

CONFIG = '''from copy import deepcopy

DEFAULTS = {"depth": 3, "color": True}


def deep_merge(base, extra):
    merged = deepcopy(base)
    merged.update(extra)
    return merged


def load(overrides):
    return deep_merge(DEFAULTS, overrides)
'''

node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


def test_new_undefined_names_are_rejected_naming_function_and_available_names():
    new = CONFIG.replace("return deep_merge(DEFAULTS, overrides)", "return deep_merge(base, override)")
    result = precheck_files({"config.py": (CONFIG, new)})
    assert not result.ok and len(result.problems) == 1
    problem = result.problems[0]
    assert problem.startswith("`base` and `override` are not defined in `load()` in config.py (line 13)")
    names = problem.split("the names there are ", 1)[1]
    assert names.startswith("`overrides`")  # the most similar first
    for name in ("`DEFAULTS`", "`deep_merge`", "`deepcopy`"):
        assert name in names
    assert "`merged`" not in names and "`extra`" not in names  # another function's locals
    assert result.seconds >= 0


def test_methods_are_qualified_and_a_removed_import_is_named():
    old = "import os\n\n\nclass Paths:\n    def home(self, user):\n        return os.path.join('/home', user)\n"
    new = old.replace("import os\n", "")
    (problem,) = precheck_files({"paths.py": (old, new)}).problems
    assert problem.startswith("`os` is not defined in `Paths.home()` in paths.py (line 5)")
    assert "your edit removed the definition of `os`" in problem
    assert "the names there are `self`, `user`, `self.home`, `Paths`" in problem


def test_a_method_is_offered_the_class_members_through_self():
    old = ("class Cart:\n    rate = 2\n\n    def total(self, items):\n        return sum(items)\n\n"
           "    def final(self, items):\n        return self.total(items) * self.rate\n")
    (problem,) = precheck_files({"cart.py": (old, old.replace("self.total(items)", "total(items)"))}).problems
    assert problem.startswith("`total` is not defined in `Cart.final()` in cart.py (line 8); "
                              "the names there are `self.total`, `self`, `items`, `self.rate`")


def test_one_problem_per_scope_and_module_level():
    old = "def f(a):\n    return a\n\n\ndef g(b):\n    return b\n\n\nX = 1\n"
    new = "def f(a):\n    return aa\n\n\ndef g(b):\n    return bb\n\n\nX = Y\n"
    problems = precheck_files({"m.py": (old, new)}).problems
    assert [p.split(" (line")[0] for p in problems] == [
        "`aa` is not defined in `f()` in m.py",
        "`bb` is not defined in `g()` in m.py",
        "`Y` is not defined at the top level of m.py",
    ]


def test_a_syntax_error_is_rejected():
    new = CONFIG.replace("def load(overrides):", "def load(overrides)")
    (problem,) = precheck_files({"config.py": (CONFIG, new)}).problems
    assert problem.startswith("after the edits config.py no longer parses:")
    assert "line 12: 'def load(overrides)'" in problem


def test_names_undefined_before_the_patch_do_not_reject():
    old = CONFIG + "\n\ndef legacy():\n    return missing_helper()\n"
    new = old.replace("return deep_merge(DEFAULTS, overrides)", "return missing_helper(DEFAULTS, overrides)")
    assert precheck_files({"config.py": (old, new)}).ok
    broken = old.replace("def load(overrides)", "def load(overrides) :\n    pass\n\ndef x(")
    assert precheck_files({"config.py": (broken, broken + "\n# more\n")}).ok  # it did not parse before either


def test_a_correct_patch_passes():
    new = CONFIG.replace("return deep_merge(DEFAULTS, overrides)", "return deep_merge(DEFAULTS, overrides or {})")
    result = precheck_files({"config.py": (CONFIG, new), "gone.py": ("x = 1\n", None), "README.md": ("a", "b")})
    assert result == PrecheckResult(True, (), result.seconds)


def test_a_new_file_counts_every_undefined_name():
    assert precheck_files({"pkg/util.py": (None, "import os\n\n\ndef cwd():\n    return os.getcwd()\n")}).ok
    (problem,) = precheck_files({"pkg/util.py": (None, "def cwd():\n    return os.getcwd()\n")}).problems
    assert problem.startswith("`os` is not defined in `cwd()` in pkg/util.py (line 2)")
    assert "removed" not in problem
    assert precheck_files({"pkg/util.pyi": (None, "def f(x: Later) -> Later: ...\nclass Later: ...\n")}).ok


def test_precheck_of_a_built_patch(cart_repo):
    built = build_patch(cart_repo, parse_edits(FIX_REPLY).edits)
    assert precheck(cart_repo, built.patch).ok
    typo = FIX_REPLY.replace("return total - total * percent / 100", "return total - total * pecent / 100")
    built = build_patch(cart_repo, parse_edits(typo).edits)
    result = precheck(cart_repo, built.patch)
    assert not result.ok
    assert result.problems[0].startswith("`pecent` is not defined in `discount()` in cart.py")
    assert "the names there are `percent`, `total`" in result.problems[0]


def test_feedback_names_the_problem_and_reuses_the_retry_text():
    result = PrecheckResult(False, ("`base` is not defined in `load()` in config.py (line 13)",), 0.01)
    text = precheck_feedback(result, "function")
    assert text.startswith("Your fix was not run: `base` is not defined in `load()` in config.py (line 13).")
    assert text.endswith(RETRY["function"] + ".")
    assert precheck_feedback(result, "unknown").endswith(RETRY["search-replace"] + ".")
    two = precheck_feedback(PrecheckResult(False, ("a", "b"), 0.0), diff="--- a/x\n+++ b/x\n")
    assert two.startswith("You proposed this fix:\n```diff\n--- a/x\n+++ b/x\n```\nYour fix was not run:\n- a\n- b\nCorrect this and ")


@node
def test_javascript_checked_with_node():
    old = "function add(a, b) {\n  return a + b;\n}\nmodule.exports = { add };\n"
    # tree-sitter parses a redeclared let; node does not
    new = "function add(x, b) {\n  let a = x;\n  let a = 1;\n  return a + b;\n}\nmodule.exports = { add };\n"
    (problem,) = precheck_files({"add.js": (old, new)}).problems
    assert problem.startswith("after the edits add.js no longer passes `node --check`: SyntaxError: Identifier 'a' "
                              "has already been declared at line 3: 'let a = 1;'")
    assert precheck_files({"add.js": (old, old.replace("a + b", "a - b"))}).ok


@node
def test_javascript_module_syntax_and_errors_already_there(tmp_path):
    esm = "import fs from 'node:fs';\nexport const read = (p) => fs.readFileSync(p);\n"
    assert precheck_files({"read.js": (None, esm)}).ok
    assert precheck_files({"read.mjs": (None, esm + "await 1;\n")}).ok
    (tmp_path / "package.json").write_text('{"type": "commonjs"}')
    assert precheck_files({"read.js": (None, "const x = 1;\nawait x;\n")}, tmp_path).problems
    bad = "let a = 1;\nlet a = 2;\n"
    assert precheck_files({"a.js": (bad, bad + "let b = 3;\n")}).ok


def test_javascript_passes_unchecked_without_node(monkeypatch):
    monkeypatch.setattr("rdebug.patch.precheck.shutil.which", lambda name: None)
    assert precheck_files({"a.js": ("let a = 1;\n", "let a = 1;\nlet a = 2;\n")}).ok
    assert not precheck_files({"a.js": ("let a = 1;\n", "let a = (1;\n")}).ok  # tree-sitter still parses it
