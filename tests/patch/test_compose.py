import os
import subprocess

from helpers_patch import CART, FIX_REPLY, git, make_repo, snapshot

from rdebug.patch.compose import build_patch
from rdebug.patch.diff import make_patch, sha256_text, validate_patch
from rdebug.patch.edits import parse_edits


def test_fix_reply_builds_a_patch_git_apply_accepts(cart_repo):
    before = snapshot(cart_repo)
    built = build_patch(cart_repo, parse_edits(FIX_REPLY).edits)
    assert built.problems == []
    patch = built.patch
    assert patch.paths == ["cart.py"]
    assert "-    return total + total * percent / 100\n+    return total - total * percent / 100\n" in patch.diff
    assert patch.diff.startswith("diff --git a/cart.py b/cart.py\n--- a/cart.py\n+++ b/cart.py\n@@ ")
    (cart_repo.parent / "p.diff").write_text(patch.diff)
    git(cart_repo, "apply", "--check", str(cart_repo.parent / "p.diff"))
    assert snapshot(cart_repo) == before  # building never writes


def test_git_apply_accepts_created_deleted_and_no_final_newline(tmp_path):
    root = make_repo(tmp_path / "r", {"a.py": "x = 1", "gone.py": "y = 2\n"})
    files = {"a.py": ("x = 1", "x = 2"), "gone.py": ("y = 2\n", None), "pkg/new.py": (None, "z = 3\n")}
    patch = make_patch(files)
    (tmp_path / "p.diff").write_text(patch.diff)
    git(root, "apply", "--check", str(tmp_path / "p.diff"))
    git(root, "apply", str(tmp_path / "p.diff"))
    assert (root / "a.py").read_text() == "x = 2"
    assert not (root / "gone.py").exists()
    assert (root / "pkg/new.py").read_text() == "z = 3\n"


def test_missing_path_is_inferred_from_candidates(cart_repo):
    reply = FIX_REPLY.replace("cart.py\n<<<<<<<", "<<<<<<<")
    built = build_patch(cart_repo, parse_edits(reply).edits, candidates=["test_cart.py", "cart.py"])
    assert built.patch is not None and built.patch.paths == ["cart.py"]


def test_function_code_block(cart_repo):
    reply = "In cart.py:\n```python\ndef discount(total, percent):\n    return total * (100 - percent) / 100\n```\n"
    built = build_patch(cart_repo, parse_edits(reply).edits)
    assert built.problems == []
    assert "+    return total * (100 - percent) / 100" in built.patch.diff


def test_unknown_file_and_unmatched_search_are_problems(cart_repo):
    reply = ("nope.py\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n"
             "cart.py\n<<<<<<< SEARCH\nthis line is not there\n=======\ny\n>>>>>>> REPLACE\n")
    built = build_patch(cart_repo, parse_edits(reply).edits, candidates=["cart.py"])
    assert built.patch is None
    assert "nope.py does not exist (files in the context: cart.py)" in built.problems[0]
    assert "SEARCH block 2 for cart.py does not match" in built.problems[1]


def test_syntax_breaking_and_whitespace_only_patches_are_rejected(cart_repo):
    broken = FIX_REPLY.replace("    return total - total * percent / 100", "    return (total -")
    assert "no longer parses" in build_patch(cart_repo, parse_edits(broken).edits).problems[0]
    # an `if` with no block at the end of the file: tree-sitter accepts it, Python does not
    headless = FIX_REPLY.replace("    return total - total * percent / 100", "    if percent:")
    assert "no longer parses (syntax error near line 9" in build_patch(cart_repo, parse_edits(headless).edits).problems[0]
    ws = FIX_REPLY.replace("    return total - total * percent / 100", "    return total + total * percent / 100   ")
    assert "only change whitespace" in build_patch(cart_repo, parse_edits(ws).edits).problems[0]
    same = FIX_REPLY.replace("    return total - total * percent / 100", "    return total + total * percent / 100")
    assert "change nothing" in build_patch(cart_repo, parse_edits(same).edits).problems[0]


def test_python_indentation_change_is_not_whitespace_only():
    old = "def f(xs):\n    for x in xs:\n        if x:\n            return True\n        return False\n"
    new = "def f(xs):\n    for x in xs:\n        if x:\n            return True\n    return False\n"
    assert validate_patch(make_patch({"f.py": (old, new)})) == []


def test_crlf_file_keeps_crlf(tmp_path):
    root = make_repo(tmp_path / "r", {})
    (root / "w.py").write_bytes(CART.replace("\n", "\r\n").encode())
    built = build_patch(root, parse_edits(FIX_REPLY.replace("cart.py", "w.py")).edits)
    new = built.patch.files["w.py"][1]
    assert "return total - total" in new and "\r\n" in new and "\n" not in new.replace("\r\n", "")


def test_changed_file_since_context_is_refused(cart_repo):
    hashes = {"cart.py": sha256_text("something else")}
    built = build_patch(cart_repo, parse_edits(FIX_REPLY).edits, expected_hashes=hashes)
    assert "changed since the context was built" in built.problems[0]


def test_executable_mode_is_kept_in_diff(tmp_path):
    root = make_repo(tmp_path / "r", {"run.py": "print(1)\n"})
    os.chmod(root / "run.py", 0o755)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "mode")
    reply = "run.py\n<<<<<<< SEARCH\nprint(1)\n=======\nprint(2)\n>>>>>>> REPLACE\n"
    patch = build_patch(root, parse_edits(reply).edits).patch
    (tmp_path / "p.diff").write_text(patch.diff)
    subprocess.run(["git", "apply", "--check", str(tmp_path / "p.diff")], cwd=root, check=True)


def test_function_block_path_from_its_first_comment_and_numbered_lines(tmp_path):
    from helpers_patch import CART, make_repo

    from rdebug.patch.compose import build_patch
    from rdebug.patch.edits import parse_edits

    root = make_repo(tmp_path / "r", {"cart.py": CART, "tests/test_cart.py": "def test_x():\n    pass\n"})
    reply = ("Fix:\n- In `tests/test_cart.py`, nothing changes.\n\n```python\n# cart.py (lines 8-9)\n"
             "def discount(total, percent):\n    return total - total * percent / 100\n```\n")
    parsed = parse_edits(reply)
    assert [e.path for e in parsed.edits] == ["cart.py"]
    numbered = ("tests/test_cart.py\n```python\n   8 | def discount(total, percent):\n"
                ">> 9 |     return total - total * percent / 100\n```\n")
    built = build_patch(root, parse_edits(numbered).edits, ["cart.py", "tests/test_cart.py"])
    assert built.problems == [] and built.patch.paths == ["cart.py"]
    assert "+    return total - total * percent / 100" in built.patch.diff


STATS = ("def weighted_mean(values, weights):\n    total = 0.0\n    weight_sum = 0.0\n"
         "    for value, weight in zip(values, weights):\n        total += value * weight\n"
         "        weight_sum += value\n    return total / weight_sum\n")


def test_numbered_fragment_replaces_the_lines_it_names(tmp_path):
    from helpers_patch import make_repo

    from rdebug.patch.compose import build_patch
    from rdebug.patch.edits import parse_edits

    root = make_repo(tmp_path / "r", {"stats.py": STATS})
    reply = ("```python\n# stats.py (lines 4-6) — fixed loop\n   4 |     for value, weight in zip(values, weights):\n"
             "   5 |         total += value * weight\n   6 |         weight_sum += weight\n```\n")
    edits = parse_edits(reply).edits
    assert [(e.path, e.lines) for e in edits] == [("stats.py", (4, 6))]
    built = build_patch(root, edits, ["stats.py"])
    assert built.problems == [] and "+        weight_sum += weight" in built.patch.diff
    assert built.patch.changed_lines == 2  # one line out, one in
    # no path: found by the lines it resembles; unrelated lines at those numbers are refused
    pathless = reply.replace("# stats.py (lines 4-6) — fixed loop\n", "")
    assert build_patch(root, parse_edits(pathless).edits, ["stats.py"]).problems == []
    wrong = reply.replace("   4 |     for value", "   1 |     for value").replace("   6 |", "   3 |").replace(
        "   5 |", "   2 |").replace("zip(values, weights)", "something(else)").replace("total +=", "x = ")
    assert build_patch(root, parse_edits(wrong).edits, ["stats.py"]).problems


PAGING = ('import math\n\n\nclass PageOutOfRange(Exception):\n    pass\n\n\n'
          'def page(rows, number, size=10):\n    pages = math.ceil(len(rows) / size)\n'
          '    if not 1 <= number < pages:\n        raise PageOutOfRange(f"page {number} of {pages}")\n'
          '    start = (number - 1) * size\n    return rows[start:start + size]\n')
FILES = ["paging.py", "tests/test_paging.py"]


def _paging_repo(tmp_path):
    from helpers_patch import make_repo

    return make_repo(tmp_path / "r", {"paging.py": PAGING, "tests/test_paging.py": "def test_x():\n    pass\n"})


def test_numbered_listing_with_added_lines_unnumbered(tmp_path):
    """Small models copy the listing and write the lines they add without numbers."""
    from rdebug.patch.edits import strip_numbers

    reply = ("Here's the updated `page` function:\n\n```python\n   8 | def page(rows, number, size=10):\n"
             "   9 |     pages = math.ceil(len(rows) / size)\n  10 |     if not 1 <= number <= pages:\n"
             "        # the last page is in range too\n        if number < 1 or number > pages:\n"
             "            raise PageOutOfRange(f\"page {number} of {pages}\")\n  12 |     start = (number - 1) * size\n"
             "  13 |     return rows[start:start + size]\n```\n")
    built = build_patch(_paging_repo(tmp_path), parse_edits(reply).edits, FILES)
    assert built.problems == [] and built.patch.paths == ["paging.py"]
    assert "+    if not 1 <= number <= pages:\n+        # the last page is in range too" in built.patch.diff
    # mostly prose with a stray numbered line is left alone
    assert strip_numbers(["   8 | x = 1", "y = 2", "z = 3"]) == (["   8 | x = 1", "y = 2", "z = 3"], None)
    # a failing line marked with a single ">" (the listing uses ">>") is still a numbered line
    assert strip_numbers(["   9 |     f = g()", ">  10 |     return f[\"k\"]"]) == (["    f = g()", "    return f[\"k\"]"], (9, 10))


def test_a_block_holding_only_the_path_names_the_next_block(tmp_path):
    reply = ("The fix:\n\n```python\n# paging.py (lines 10-11) — failing frame paging.py:11: page()\n```python\n"
             "  10 |     if not 1 <= number <= pages:\n>>11 |         raise PageOutOfRange(f\"page {number} of {pages}\")\n"
             "```\n")
    edits = parse_edits(reply).edits
    assert [(e.path, e.lines) for e in edits] == [("paging.py", (10, 11))]
    built = build_patch(_paging_repo(tmp_path), edits, FILES)
    assert built.problems == [] and "+    if not 1 <= number <= pages:" in built.patch.diff


def test_snippets_quoted_in_the_explanation_do_not_sink_a_usable_edit(tmp_path):
    fixed = PAGING.split("\n\n\n")[2].replace("number < pages", "number <= pages")
    reply = (f"paging.py\n```python\n{fixed}```\n\nThe key line is:\n\n```python\nif not 1 <= number <= pages:\n```\n")
    built = build_patch(_paging_repo(tmp_path), parse_edits(reply).edits, FILES)
    assert built.problems == [] and built.patch.paths == ["paging.py"]
    # with no usable block, the snippet is reported as before
    alone = build_patch(_paging_repo(tmp_path), parse_edits("```python\nif not 1 <= number <= pages:\n```\n").edits, FILES)
    assert alone.patch is None and "names no file" in alone.problems[0]
