import json
import os
import stat

import pytest

from helpers_patch import FIX_REPLY, make_repo, snapshot

from rdebug.errors import PatchError
from rdebug.patch import apply as apply_mod
from rdebug.patch.apply import apply_patch, list_backups, undo
from rdebug.patch.backups import store_dir
from rdebug.patch.compose import build_patch
from rdebug.patch.diff import make_patch, sha256_bytes
from rdebug.patch.edits import parse_edits


def _fix(root):
    return build_patch(root, parse_edits(FIX_REPLY).edits).patch


def test_apply_then_undo_restores_bytes_exactly(cart_repo, state_home):
    before = snapshot(cart_repo)
    record = apply_patch(cart_repo, _fix(cart_repo), {})
    assert record.state == "applied" and record.files == ["cart.py"]
    assert "total - total" in (cart_repo / "cart.py").read_text()
    manifest = json.loads((record.dir / "manifest.json").read_text())
    assert manifest["files"][0]["path"] == "cart.py" and manifest["files"][0]["old"] == "blobs/0"
    assert str(state_home) in str(record.dir) and str(cart_repo) not in str(record.dir)
    undone = undo(cart_repo)
    assert undone.id == record.id and undone.state == "undone"
    assert snapshot(cart_repo) == before


def test_undo_after_restart_uses_the_manifest(cart_repo):
    before = snapshot(cart_repo)
    record = apply_patch(cart_repo, _fix(cart_repo), {})
    # a "restart": nothing in memory, only the store on disk
    assert [r.id for r in list_backups(cart_repo)] == [record.id]
    undo(cart_repo, record.id[:15])
    assert snapshot(cart_repo) == before
    assert list_backups(cart_repo)[0].state == "undone"
    with pytest.raises(PatchError, match="nothing to undo"):
        undo(cart_repo)


def test_created_and_deleted_files_and_modes(tmp_path):
    root = make_repo(tmp_path / "r", {"tool.sh": "echo 1\n", "old.py": "x = 1\n"})
    os.chmod(root / "tool.sh", 0o755)
    os.chmod(root / "old.py", 0o600)
    before = snapshot(root)
    patch = make_patch({"tool.sh": ("echo 1\n", "echo 2\n"), "old.py": ("x = 1\n", None),
                        "new/dir/n.py": (None, "n = 1\n")})
    apply_patch(root, patch, {})
    assert stat.S_IMODE((root / "tool.sh").stat().st_mode) == 0o755
    assert not (root / "old.py").exists()
    assert (root / "new/dir/n.py").read_text() == "n = 1\n"
    undo(root)
    assert snapshot(root) == before
    assert stat.S_IMODE((root / "old.py").stat().st_mode) == 0o600
    assert not (root / "new").exists()


def test_refuses_when_target_changed_since_context(cart_repo):
    patch = _fix(cart_repo)
    (cart_repo / "cart.py").write_text((cart_repo / "cart.py").read_text() + "# user edit\n")
    before = snapshot(cart_repo)
    with pytest.raises(PatchError, match="changed since the fix was made"):
        apply_patch(cart_repo, patch, {})
    assert snapshot(cart_repo) == before
    assert list_backups(cart_repo) == []


def test_expected_hashes_checked(cart_repo):
    patch = _fix(cart_repo)
    with pytest.raises(PatchError, match="changed since"):
        apply_patch(cart_repo, patch, {"cart.py": sha256_bytes(b"older content")})


def test_uncommitted_changes_elsewhere_are_kept(cart_repo):
    (cart_repo / "test_cart.py").write_text("# work in progress\n")
    (cart_repo / "cart.py").write_text((cart_repo / "cart.py").read_text() + "\n# mine\n")
    patch = _fix(cart_repo)  # built on top of the working tree
    apply_patch(cart_repo, patch, {})
    text = (cart_repo / "cart.py").read_text()
    assert "# mine" in text and "total - total" in text
    assert (cart_repo / "test_cart.py").read_text() == "# work in progress\n"


def test_undo_refuses_when_file_changed_after_apply_unless_forced(cart_repo):
    before = snapshot(cart_repo)
    apply_patch(cart_repo, _fix(cart_repo), {})
    (cart_repo / "cart.py").write_text("changed by the user\n")
    with pytest.raises(PatchError, match="changed since the patch was applied"):
        undo(cart_repo)
    assert (cart_repo / "cart.py").read_text() == "changed by the user\n"
    undo(cart_repo, force=True)
    assert snapshot(cart_repo) == before


def test_failure_mid_apply_rolls_back(tmp_path, monkeypatch):
    root = make_repo(tmp_path / "r", {"a.py": "a = 1\n", "b.py": "b = 1\n"})
    before = snapshot(root)
    patch = make_patch({"a.py": ("a = 1\n", "a = 2\n"), "b.py": ("b = 1\n", "b = 2\n")})
    real_replace = os.replace
    calls = []

    def flaky(src, dst):
        calls.append(dst)
        if str(dst).endswith("b.py"):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(apply_mod.os, "replace", flaky)
    with pytest.raises(PatchError, match="tree was restored"):
        apply_patch(root, patch, {})
    monkeypatch.setattr(apply_mod.os, "replace", real_replace)
    assert snapshot(root) == before
    assert not [p for p in root.iterdir() if "rdebug-" in p.name]  # no temp files left
    assert list_backups(root)[0].state == "rolled-back"


def test_apply_refused_during_merge(cart_repo):
    (cart_repo / ".git" / "MERGE_HEAD").write_text("0" * 40 + "\n")
    before = snapshot(cart_repo)
    with pytest.raises(PatchError, match="middle of a merge"):
        apply_patch(cart_repo, _fix(cart_repo), {})
    assert snapshot(cart_repo) == before


def test_store_is_per_repository(tmp_path):
    a = make_repo(tmp_path / "a", {"x.py": "x\n"})
    b = make_repo(tmp_path / "b", {"x.py": "x\n"})
    assert store_dir(a) != store_dir(b)
    apply_patch(a, make_patch({"x.py": ("x\n", "y\n")}), {})
    assert list_backups(b) == [] and len(list_backups(a)) == 1
