"""Git facts: uncommitted diff, recent commits, blame; absent outside git; a repo with no commits."""

from __future__ import annotations

from ctxutil import commit_all, git_init, write

from rdebug.context.gitinfo import ago, git_context


def test_diff_log_and_blame(tmp_path):
    git_init(tmp_path)
    write(tmp_path, {"a.py": "def f(x):\n    return x + 1\n", "b.py": "B = 1\n"})
    commit_all(tmp_path, "add f")
    write(tmp_path, {"a.py": "def f(x):\n    return x + 2\n"})
    commit_all(tmp_path, "off by one in f")
    write(tmp_path, {"a.py": "def f(x):\n    return x + 2  # why\n"})
    g = git_context(tmp_path, ["a.py"], {"a.py": [2, 1]})
    assert g.available and not g.notes
    assert list(g.diffs) == ["a.py"] and "+    return x + 2  # why" in g.diffs["a.py"]
    assert [c.summary for c in g.commits] == ["off by one in f"]  # not the commit that created a.py
    assert "+    return x + 2" in g.commits[0].diff and g.commits[0].author == "Dev Eloper"
    by_line = {b.line: b for b in g.blame}
    assert by_line[1].summary == "add f" and by_line[1].sha
    assert by_line[2].sha == ""  # the working-tree change is not committed yet
    assert "not committed yet" in by_line[2].describe()
    text = by_line[1].describe()
    assert text.startswith("a.py:1 last changed in ") and "by Dev Eloper: add f" in text


def test_staged_changes_are_in_the_diff(tmp_path):
    git_init(tmp_path)
    write(tmp_path, {"a.py": "x = 1\n"})
    commit_all(tmp_path, "init")
    write(tmp_path, {"a.py": "x = 2\n"})
    from ctxutil import git

    git(tmp_path, "add", "a.py")
    g = git_context(tmp_path, ["a.py"], {})
    assert "+x = 2" in g.diffs["a.py"]


def test_not_a_git_repository(tmp_path):
    write(tmp_path, {"a.py": "x = 1\n"})
    g = git_context(tmp_path, ["a.py"], {"a.py": [1]})
    assert not g.available
    assert g.notes == ["git context absent: not a git repository"]


def test_repository_without_commits(tmp_path):
    git_init(tmp_path)
    write(tmp_path, {"a.py": "x = 1\n"})
    g = git_context(tmp_path, ["a.py"], {"a.py": [1]})
    assert g.available and not g.diffs and not g.commits and not g.blame
    assert any("no commits yet" in n for n in g.notes)


def test_untracked_file_has_no_blame(tmp_path):
    git_init(tmp_path)
    write(tmp_path, {"a.py": "x = 1\n"})
    commit_all(tmp_path, "init")
    write(tmp_path, {"new.py": "y = 2\n"})
    g = git_context(tmp_path, ["new.py"], {"new.py": [1]})
    assert g.available and not g.blame


def test_ago():
    assert ago(1000, now=1000) == "just now"
    assert ago(0, now=3 * 86400 + 5) == "3 days ago"
    assert ago(0, now=3600) == "1 hour ago"


def test_root_below_the_repository_top(tmp_path):
    git_init(tmp_path)
    write(tmp_path, {"sub/a.py": "x = 1\n", "other.py": "y = 1\n"})
    commit_all(tmp_path, "init")
    write(tmp_path, {"sub/a.py": "x = 3\n"})
    commit_all(tmp_path, "three")
    write(tmp_path, {"sub/a.py": "x = 2\n"})
    g = git_context(tmp_path / "sub", ["a.py"], {"a.py": [1]})
    assert list(g.diffs) == ["a.py"] and [c.summary for c in g.commits] == ["three"]
    assert g.blame[0].path == "a.py" and g.blame[0].sha == ""
