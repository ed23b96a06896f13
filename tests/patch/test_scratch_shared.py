"""The scratch copy shares big folders with the real tree read-only: a patch never writes through.

Each test fails on the old scratch copy (it linked the shared folders and wrote through the links).
"""

import hashlib
import json
import os
import sys

import pytest

from helpers_patch import git, make_repo

from rdebug.cli import main
from rdebug.patch.diff import make_patch
from rdebug.patch.scratch import ScratchCopy
from rdebug.patch.verify import verify_patch
from rdebug.worktree import SHARED_DIRS

FAILS = [sys.executable, "-c", "raise SystemExit(1)"]
PASSES = [sys.executable, "-c", "pass"]


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _shared_repo(tmp_path, shared: str, tracked: bool):
    files = {"m.py": "x = 1\n"}
    if not tracked:
        files[".gitignore"] = f"{shared}/\n"
    root = make_repo(tmp_path / "r", files)
    (root / shared / "pkg").mkdir(parents=True)
    (root / shared / "pkg" / "lib.py").write_text("v = 1\n")
    (root / shared / "pkg" / "sibling.py").write_text("s = 1\n")
    (root / shared / "top.cfg").write_text("home = /usr/bin\n")
    if tracked:
        git(root, "add", "-A")
        git(root, "commit", "-qm", "shared")
    return root


@pytest.mark.parametrize("action", ["edit", "delete"])
@pytest.mark.parametrize("tracked", [False, True], ids=["ignored", "tracked"])
@pytest.mark.parametrize("shared", SHARED_DIRS)
def test_patch_in_a_shared_folder_never_reaches_the_real_tree(tmp_path, shared, tracked, action):
    root = _shared_repo(tmp_path, shared, tracked)
    files = [root / shared / "pkg" / "lib.py", root / shared / "top.cfg", root / shared / "pkg" / "sibling.py"]
    before = {f: _sha(f) for f in files}
    new = None if action == "delete" else "changed = True\n"
    patch = make_patch({f"{shared}/pkg/lib.py": ("v = 1\n", new), f"{shared}/top.cfg": ("home = /usr/bin\n", new)})
    with ScratchCopy(root, patch) as scratch:
        for rel in ("pkg/lib.py", "top.cfg"):
            copy = scratch / shared / rel
            assert (not os.path.lexists(copy)) if new is None else copy.read_text() == new
        assert (scratch / shared / "pkg" / "sibling.py").read_text() == "s = 1\n"  # the rest still shared
    for command in (FAILS, PASSES):  # whatever the verdict
        verify_patch(root, patch, command, timeout_s=60)
    assert {f: _sha(f) for f in files} == before


def test_tracked_files_under_vendor_are_real_copies(tmp_path):
    root = _shared_repo(tmp_path, "vendor", tracked=True)
    (root / "vendor" / "untracked.txt").write_text("u\n")
    with ScratchCopy(root) as scratch:
        assert not (scratch / "vendor").is_symlink()
        lib = scratch / "vendor" / "pkg" / "lib.py"
        assert lib.is_file() and not lib.is_symlink()
        assert (scratch / "vendor" / "untracked.txt").read_text() == "u\n"


def test_a_patch_never_follows_a_link_out_of_the_scratch_copy(tmp_path):
    outside = tmp_path / "outside"
    (outside / "data").mkdir(parents=True)
    (outside / "data" / "a.txt").write_text("a\n")
    (outside / "file.py").write_text("f = 1\n")
    root = make_repo(tmp_path / "r", {"m.py": "x = 1\n"}, commit=False)
    os.symlink(outside / "data", root / "data")
    os.symlink(outside / "file.py", root / "linked.py")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "links")
    before = {p: _sha(p) for p in (outside / "data" / "a.txt", outside / "file.py")}
    patch = make_patch({"data/a.txt": ("a\n", None), "data/new.txt": (None, "n\n"),
                        "linked.py": ("f = 1\n", "f = 2\n")})
    with ScratchCopy(root, patch) as scratch:
        assert (scratch / "linked.py").read_text() == "f = 2\n"
        assert (scratch / "data" / "new.txt").read_text() == "n\n"
    assert {p: _sha(p) for p in before} == before
    assert sorted(os.listdir(outside / "data")) == ["a.txt"]


def test_outside_git_the_venv_is_shared_read_only(tmp_path):
    root = tmp_path / "plain"
    (root / ".venv").mkdir(parents=True)
    (root / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (root / "m.py").write_text("m = 1\n")
    before = _sha(root / ".venv" / "pyvenv.cfg")
    verify_patch(root, make_patch({".venv/pyvenv.cfg": ("home = /usr/bin\n", None)}), FAILS, timeout_s=60)
    assert _sha(root / ".venv" / "pyvenv.cfg") == before


CHECK = "import m; assert m.x == 2"
DELETE_CFG = """The virtualenv config is stale.

```diff
--- a/.venv/pyvenv.cfg
+++ /dev/null
@@ -1 +0,0 @@
-home = /usr/bin
```
"""
EDIT_VENDOR = """The vendored library is wrong.

```diff
--- a/vendor/lib.py
+++ b/vendor/lib.py
@@ -1 +1 @@
-v = 1
+v = 2
```
"""
DELETE_VENDOR = """The vendored library is in the way.

```diff
--- a/vendor/lib.py
+++ /dev/null
@@ -1 +0,0 @@
-v = 1
```
"""


@pytest.mark.parametrize("reply, rel", [(DELETE_CFG, ".venv/pyvenv.cfg"), (EDIT_VENDOR, "vendor/lib.py"),
                                        (DELETE_VENDOR, "vendor/lib.py")], ids=["venv-delete", "vendor-edit",
                                                                                "vendor-delete"])
def test_fix_cli_leaves_shared_files_alone(tmp_path, monkeypatch, capsys, reply, rel):
    """The issue's reproduction: `rdebug fix --backend replay:F --attempts 1` without --yes."""
    monkeypatch.setenv("RDEBUG_CONFIG", str(tmp_path / "no-config.toml"))
    root = make_repo(tmp_path / "r", {"m.py": "x = 1\n", ".gitignore": ".venv/\n", "vendor/lib.py": "v = 1\n"})
    (root / ".venv").mkdir()
    (root / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    before = _sha(root / rel)
    replies = tmp_path / "reply.txt"
    replies.write_text(reply)
    code = main(["fix", "--root", str(root), "--backend", f"replay:{replies}", "--attempts", "1", "--json",
                 "--no-regressions", "--", sys.executable, "-c", CHECK])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1 and doc["patch"] and not doc["verified"] and not doc["applied"]
    assert (root / rel).is_file() and _sha(root / rel) == before
