import os

import pytest

from helpers_patch import make_repo

from rdebug.errors import PatchError
from rdebug.patch.compose import build_patch
from rdebug.patch.edits import parse_edits
from rdebug.patch.safety import UnsafePathError, check_repo_state, check_target, normalize


def _edit(path: str) -> str:
    return f"{path}\n<<<<<<< SEARCH\n=======\nx = 1\n>>>>>>> REPLACE\n"


def test_absolute_path_rejected(tmp_path):
    with pytest.raises(UnsafePathError, match="absolute paths are not allowed"):
        normalize("/etc/passwd")
    with pytest.raises(UnsafePathError, match="absolute"):
        normalize("C:\\Windows\\x.py")


def test_dotdot_escape_rejected(tmp_path):
    with pytest.raises(UnsafePathError, match="'..' leads outside"):
        normalize("src/../../outside.py")


def test_git_internals_rejected(tmp_path):
    root = make_repo(tmp_path / "r", {"a.py": "a\n"})
    with pytest.raises(UnsafePathError, match=".git/"):
        check_target(root, ".git/config")
    (root / "gitlink").symlink_to(root / ".git")
    with pytest.raises(UnsafePathError, match=".git/"):
        check_target(root, "gitlink/config")


def test_symlink_leading_outside_rejected(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text("s = 1\n")
    root = make_repo(tmp_path / "r", {"a.py": "a\n"})
    (root / "link").symlink_to(outside)
    (root / "file_link.py").symlink_to(outside / "secret.py")
    with pytest.raises(UnsafePathError, match="symlink leads outside"):
        check_target(root, "link/secret.py")
    with pytest.raises(UnsafePathError, match="symlink leads outside"):
        check_target(root, "file_link.py")
    built = build_patch(root, parse_edits(_edit("link/new.py")).edits)
    assert built.patch is None and "outside" in built.problems[0]
    assert not (outside / "new.py").exists()


def test_binary_file_rejected(tmp_path):
    root = make_repo(tmp_path / "r", {})
    (root / "blob.py").write_bytes(b"abc\0def")
    with pytest.raises(UnsafePathError, match="binary file"):
        check_target(root, "blob.py")


def test_directory_is_not_a_regular_file(tmp_path):
    root = make_repo(tmp_path / "r", {"pkg/a.py": "a\n"})
    with pytest.raises(UnsafePathError, match="not a regular file"):
        check_target(root, "pkg")


def test_inside_paths_accepted(tmp_path):
    root = make_repo(tmp_path / "r", {"pkg/a.py": "a\n"})
    assert check_target(root, "./pkg/a.py") == root / "pkg/a.py"
    assert check_target(root, "pkg/new.py") == root / "pkg/new.py"


@pytest.mark.parametrize("marker", ["MERGE_HEAD", "rebase-merge", "rebase-apply", "CHERRY_PICK_HEAD"])
def test_merge_or_rebase_in_progress(tmp_path, marker):
    root = make_repo(tmp_path / "r", {"a.py": "a\n"})
    target = root / ".git" / marker
    target.mkdir() if "rebase" in marker else target.write_text("0" * 40 + "\n")
    with pytest.raises(PatchError, match="in the middle of"):
        check_repo_state(root)


def test_non_git_dir_has_no_repo_state(tmp_path):
    os.makedirs(tmp_path / "plain")
    check_repo_state(tmp_path / "plain")
