from rdebug.patch.edits import clean_path, parse_edits


def test_search_replace_outside_fence():
    reply = """Root cause: wrong sign.

src/cart.py
<<<<<<< SEARCH
    return a + b
=======
    return a - b
>>>>>>> REPLACE
"""
    parsed = parse_edits(reply)
    assert parsed.problems == []
    (edit,) = parsed.edits
    assert edit.path == "src/cart.py"
    assert edit.search == "    return a + b\n"
    assert edit.replace == "    return a - b\n"
    assert edit.label == "SEARCH block 1 for src/cart.py"


def test_search_replace_inside_fence_with_path_before_or_in_info():
    reply = """**src/a.py**
```python
<<<<<<< SEARCH
x = 1
=======
x = 2
>>>>>>> REPLACE
```
```python src/b.py
<<<<<<< SEARCH
y = 1
=======
y = 2
>>>>>>> REPLACE
```
<<<<<<< SEARCH
z = 1
=======
z = 2
>>>>>>> REPLACE
"""
    parsed = parse_edits(reply)
    assert parsed.problems == []
    assert [e.path for e in parsed.edits] == ["src/a.py", "src/b.py", "src/b.py"]
    assert [e.index for e in parsed.edits] == [1, 2, 3]


def test_missing_path_is_left_for_inference():
    parsed = parse_edits("<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n")
    assert parsed.edits[0].path is None


def test_empty_search_creates():
    parsed = parse_edits("new.py\n<<<<<<< SEARCH\n=======\nprint(1)\n>>>>>>> REPLACE\n")
    assert parsed.edits[0].search == "" and parsed.edits[0].replace == "print(1)\n"


def test_malformed_blocks_are_reported():
    assert "no ======= divider" in parse_edits("a.py\n<<<<<<< SEARCH\nx\n>>>>>>> REPLACE\n").problems[0]
    assert "not closed" in parse_edits("a.py\n<<<<<<< SEARCH\nx\n=======\ny\n").problems[0]


def test_no_edits():
    parsed = parse_edits("I think the bug is in the loop. Try changing it.")
    assert parsed.edits == []
    assert "no edits" in parsed.problems[0]


def test_elided_replacement_is_rejected():
    reply = "a.py\n<<<<<<< SEARCH\ndef f():\n    return 1\n=======\ndef f():\n    # ... rest of code\n>>>>>>> REPLACE\n"
    assert "leaves code out" in parse_edits(reply).problems[0]


def test_unified_diff_hunks_become_content_edits():
    reply = """```diff
--- a/src/cart.py
+++ b/src/cart.py
@@ -10,3 +10,3 @@ def f():
 def discount(total, percent):
-    return total + total * percent / 100
+    return total - total * percent / 100
@@ -99,2 +99,3 @@
 x = 1
+y = 2
```
"""
    parsed = parse_edits(reply)
    assert parsed.problems == []
    first, second = parsed.edits
    assert first.origin == "diff" and first.path == "src/cart.py"
    assert first.search == "def discount(total, percent):\n    return total + total * percent / 100\n"
    assert first.replace == "def discount(total, percent):\n    return total - total * percent / 100\n"
    assert second.search == "x = 1\n" and second.replace == "x = 1\ny = 2\n"


def test_diff_new_and_deleted_files():
    reply = """--- /dev/null
+++ b/new.py
@@ -0,0 +1,2 @@
+a = 1
+b = 2
--- a/old.py
+++ /dev/null
@@ -1 +0,0 @@
-x = 1
"""
    created, deleted = parse_edits(reply).edits
    assert created.path == "new.py" and created.search == "" and created.replace == "a = 1\nb = 2\n"
    assert deleted.path == "old.py" and deleted.kind == "delete"


def test_code_block_naming_a_file_is_a_function_edit():
    reply = """Replace the function in `src/cart.py`:
```python
def discount(total, percent):
    return total - total * percent / 100
```
"""
    (edit,) = parse_edits(reply).edits
    assert edit.kind == "function" and edit.path == "src/cart.py"
    assert edit.replace.startswith("def discount")


def test_clean_path():
    assert clean_path("**src/a.py**") == "src/a.py"
    assert clean_path("File: `lib/x.js`") == "lib/x.js"
    assert clean_path("# a/src/y.py:") == "src/y.py"
    assert clean_path("The fix is here") is None
    assert clean_path("e.g.") is None


def test_paths_leading_comments_and_headings_with_more_text():
    from rdebug.patch.edits import parse_edits, path_at_start

    assert path_at_start("# paging.py (lines 16-20) — definition of total_pages()") == "paging.py"
    assert path_at_start("### src/app/util.js (lines 3-9)") == "src/app/util.js"
    assert path_at_start("// util.go") == "util.go"
    assert path_at_start("The fix is simple.") is None
    reply = ("```python\n# paging.py (lines 16-20) — definition of total_pages()\n<<<<<<< SEARCH\n"
             "    return count // per_page\n=======\n    return -(-count // per_page)\n>>>>>>> REPLACE\n```\n")
    assert [(e.path, e.kind) for e in parse_edits(reply).edits] == [("paging.py", "replace")]
    heading = "### paging.py (lines 23-29) — definition of paginate()\n```python\ndef paginate():\n    pass\n```\n"
    assert [e.path for e in parse_edits(heading).edits] == ["paging.py"]


def test_path_line_inside_the_fence():
    from rdebug.patch.edits import parse_edits

    reply = "```python\ntests/test_pricing.py\ndef apply_discount(price):\n    return price\n```\n"
    assert [e.path for e in parse_edits(reply).edits] == ["tests/test_pricing.py"]


def test_git_conflict_style_markers_are_search_replace_blocks():
    reply = """Fix:
```python
<<<<<<< paging.py
    start = number * size
=======
    start = (number - 1) * size
>>>>>>> paging.py
```

src/b.py
<<<<<<< HEAD
x = 1
=======
x = 2
>>>>>>>
"""
    parsed = parse_edits(reply)
    assert parsed.problems == []
    first, second = parsed.edits
    assert (first.path, first.search, first.replace) == ("paging.py", "    start = number * size\n",
                                                        "    start = (number - 1) * size\n")
    assert (second.path, second.search, second.replace) == ("src/b.py", "x = 1\n", "x = 2\n")
    # prose with arrows is not a marker
    assert parse_edits("a <<<<<<< b c\n=======\n").edits == []


def test_an_echoed_skeleton_listing_is_no_edit_and_refuses_nothing():
    """Small models copy our "module skeleton" listing back, labelled unchanged, beside their fix."""
    reply = """### paging.py (lines 9-10)
```python
   9 | def page(rows, number):
  10 |     return rows[number]
```

### tests/test_paging.py (lines 9-36) — unchanged module skeleton (signatures only)
```python
   9 | def make_rows(count: int) -> list:
     | ...
  18 | def test_first_page():
     | ...
  36 | def test_last_page():
```
"""
    out = parse_edits(reply)
    assert out.problems == []
    assert [(e.path, e.lines) for e in out.edits] == [("paging.py", (9, 10))]
    only_echo = "paging.py\n```python\n   9 | def f():\n     | ...\n  12 | def g():\n```\n"
    assert not parse_edits(only_echo).edits
