import shutil
import subprocess
from pathlib import Path

import pytest

from rdebug.intake.model import Frame, Problem
from rdebug.intake.parse import parse_failures
from rdebug.intake.pathmap import PathMapper, is_external

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def repo(tmp_path):
    """A repo holding every fixture program, each language in its own folder."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "programs", root)
    (root / "node_modules" / "jest").mkdir(parents=True)
    (root / "node_modules" / "jest" / "index.js").write_text("")
    return root


def mapped(repo, name):
    problems = parse_failures((FIXTURES / "traces" / name).read_text())
    return PathMapper(repo).map(problems)


def test_python_paths_from_another_machine(repo):
    [p] = mapped(repo, "python/chained.txt")  # printed as /tmp/a_run/py/...
    assert [(f.path, f.in_repo) for f in p.frames] == [
        ("python/chained.py", True), ("python/chained.py", True), ("python/shop/cart.py", True)]
    assert p.frames[0].raw_path == "/tmp/a_run/py/chained.py"
    assert p.chain[0].frames[0].path == "python/shop/cart.py"


def test_stdlib_frozen_and_site_packages_are_external(repo):
    [p] = mapped(repo, "python/frozen_import.txt")
    assert [(f.in_repo, f.external) for f in p.frames] == [(True, False)] + [(False, True)] * 4
    native = mapped(repo, "pytest/tb_native.txt")[0]
    assert all(f.external for f in native.frames if "site-packages" in f.raw_path)
    assert native.frames[-1].path == "python/tests/test_cart.py"


def test_pytest_relative_paths(repo):
    ps = mapped(repo, "pytest/tb_short.txt")
    assert [f.path for f in ps[1].frames] == ["python/tests/test_cart.py", "python/shop/cart.py"]


def test_node_jest_and_internal(repo):
    [p] = mapped(repo, "node/esm.txt")
    repo_frames = [(f.path, f.line) for f in p.repo_frames]
    assert repo_frames == [("node/esm.mjs", 9), ("node/esm.mjs", 6), ("node/lib/stats.js", 5)]
    assert all(f.external for f in p.frames if f.raw_path.startswith("node:"))
    jest = mapped(repo, "node/jest.txt")
    assert [f.path for f in jest[1].frames] == ["node/jest/stats.test.js", "node/lib/stats.js"]


def test_go_module_paths_and_goroot(repo):
    ps = mapped(repo, "go/go_test.txt")
    assert (ps[0].frames[0].path, ps[0].frames[0].in_repo) == ("go/inventory/inventory_test.go", True)
    assert [f.path for f in ps[1].repo_frames] == ["go/inventory/inventory_test.go", "go/inventory/inventory.go"]
    assert ps[1].frames[0].external and not ps[1].frames[0].in_repo


def test_rust_frames(repo):
    [p] = mapped(repo, "rust/panic_backtrace.txt")
    assert [(f.path, f.line) for f in p.repo_frames] == [("rust/src/main.rs", 5), ("rust/src/lib.rs", 10)]
    assert p.frames[0].external


def test_java_package_paths(repo):
    [p] = mapped(repo, "java/caused_by.txt")
    assert [f.path for f in p.frames] == ["java/src/main/java/com/acme/billing/Main.java"] * 2 + [
        "java/src/main/java/com/acme/billing/Invoice.java"]
    assert all(f.external and not f.in_repo for f in p.chain[0].frames[3:])


def test_sanitizer_paths(repo):
    [p] = mapped(repo, "sanitizer/asan_heap_overflow.txt")
    assert [(f.path, f.line) for f in p.repo_frames] == [("c/buffer.c", 16), ("c/buffer.c", 8)]
    assert p.frames[0].external


@pytest.mark.parametrize("raw", [
    "/home/runner/work/proj/proj/python/shop/cart.py",
    "/app/python/shop/cart.py",
    "C:\\Users\\me\\proj\\python\\shop\\cart.py",
    "file:///D:/ci/python/shop/cart.py",
    "./python/shop/cart.py",
])
def test_foreign_absolute_paths(repo, raw):
    fr = Frame(path=raw, line=3)
    PathMapper(repo).map([Problem(kind="python", frames=[fr])])
    assert (fr.path, fr.in_repo, fr.raw_path) == ("python/shop/cart.py", True, raw)


def test_longest_suffix_wins_and_ties_stay_unmapped(tmp_path):
    mapper = PathMapper(tmp_path, tracked=["a/util.py", "b/util.py", "b/c/util.py"])
    assert mapper.resolve("/x/y/b/util.py") == "b/util.py"
    assert mapper.resolve("/x/c/util.py") == "b/c/util.py"
    assert mapper.resolve("/elsewhere/util.py") is None  # ambiguous
    assert mapper.resolve("/x/missing.py") is None


@pytest.mark.parametrize("raw", [
    "/usr/lib/python3.11/json/decoder.py", "/venv/lib/python3.12/site-packages/requests/api.py",
    "node:internal/modules/cjs/loader", "/app/node_modules/jest-circus/build/utils.js",
    "/usr/local/go/src/runtime/panic.go", "/rustc/abc/library/core/src/panicking.rs",
    "/home/u/.cargo/registry/src/index/serde-1.0/src/de.rs", "/usr/include/c++/12/bits/stl_vector.h",
    "../sysdeps/nptl/libc_start_call_main.h", "<frozen importlib._bootstrap>",
])
def test_library_paths_are_external(raw):
    assert is_external(raw)


def test_git_repo_lists_tracked_and_untracked_but_not_ignored(tmp_path):
    if not shutil.which("git"):
        pytest.skip("git missing")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.py").write_text("x = 1\n")
    (tmp_path / "new.py").write_text("")
    (tmp_path / "ignored.py").write_text("")
    (tmp_path / ".gitignore").write_text("ignored.py\n")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "src/a.py"], check=True)
    files = PathMapper(tmp_path).files
    assert {"src/a.py", "new.py", ".gitignore"} <= files and "ignored.py" not in files


def test_walk_skips_vendored_dirs(repo):
    files = PathMapper(repo).files
    assert "python/shop/cart.py" in files
    assert not any(f.startswith("node_modules/") for f in files)


def test_files_in_text(repo):
    mapper = PathMapper(repo)
    text = "The total in python/shop/cart.py is off, and stats.js:11 crashes; see also nothing.txt."
    assert mapper.files_in_text(text) == ["python/shop/cart.py", "node/lib/stats.js"]


def test_package_paths_must_agree_beyond_the_file_name(tmp_path):
    mapper = PathMapper(tmp_path, tracked=["src/main/java/com/acme/Utils.java", "cmd/x_test.go"])
    lib = Frame(path="org/other/Utils.java", line=3, raw_path="Utils.java")
    own = Frame(path="com/acme/Utils.java", line=4, raw_path="Utils.java")
    go = Frame(path="example.com/mod/cmd/x_test.go", line=5, raw_path="x_test.go")
    mapper.map([Problem(kind="java", frames=[lib, own, go])])
    assert (lib.in_repo, own.path, go.path) == (False, "src/main/java/com/acme/Utils.java", "cmd/x_test.go")
