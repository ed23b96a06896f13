import json
import os
import stat

import pytest

from helpers_patch import FIX_REPLY, make_repo, snapshot

from rdebug.errors import PatchError
from rdebug.patch import apply as apply_mod
from rdebug.patch import atomic as atomic_mod
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

    monkeypatch.setattr(atomic_mod.os, "replace", flaky)
    with pytest.raises(PatchError, match="tree was restored"):
        apply_patch(root, patch, {})
    monkeypatch.setattr(atomic_mod.os, "replace", real_replace)
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


# --- issue 12, item 4: one apply/undo at a time, undo checked before it writes, all or nothing ---

LOCK_HOLDER = """
import sys
from pathlib import Path
from rdebug.patch.backups import repo_lock
with repo_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.read()
"""


def _two_file_patch(root):
    return make_patch({"a.py": ("a = 1\n", "a = 2\n"), "b.py": ("b = 1\n", "b = 2\n")})


def _temp_files(root):
    return [p for p in root.rglob("*") if ".rdebug-" in p.name or p.name.endswith(".tmp")]


def test_second_apply_refuses_while_another_process_holds_the_lock(tmp_path, monkeypatch):
    import subprocess
    import sys

    from rdebug.patch import backups

    root = make_repo(tmp_path / "r", {"a.py": "a = 1\n", "b.py": "b = 1\n"})
    before = snapshot(root)
    monkeypatch.setattr(backups, "LOCK_WAIT_S", 0.3)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(root)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(backups.RepositoryBusy, match=rf"another rdebug \(pid {holder.pid}\).*nothing was written"):
            apply_patch(root, _two_file_patch(root), {})
        with pytest.raises(backups.RepositoryBusy):
            undo(root)
        assert snapshot(root) == before and list_backups(root) == []
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    apply_patch(root, _two_file_patch(root), {})  # the lock is free again
    assert (root / "a.py").read_text() == "a = 2\n"


def test_concurrent_applies_the_waiting_one_sees_the_change_and_refuses(tmp_path):
    import threading

    from rdebug.patch.backups import repo_lock

    root = make_repo(tmp_path / "r", {"a.py": "a = 1\n"})
    mine = make_patch({"a.py": ("a = 1\n", "a = 'first'\n")})
    theirs = make_patch({"a.py": ("a = 1\n", "a = 'second'\n")})
    outcome = []

    def second():
        try:
            apply_patch(root, theirs, {})
            outcome.append("applied")
        except PatchError as exc:
            outcome.append(exc.message)

    with repo_lock(root):  # the first run is in the middle of its apply
        worker = threading.Thread(target=second)
        worker.start()
        apply_mod._apply_locked(root, mine, {})
    worker.join(timeout=60)
    assert (root / "a.py").read_text() == "a = 'first'\n"
    assert len(outcome) == 1 and "changed since the fix was made" in outcome[0]
    assert [r.state for r in list_backups(root)] == ["applied"]


def test_undo_with_a_missing_blob_names_it_and_writes_nothing(tmp_path):
    root = make_repo(tmp_path / "r", {"a.py": "a = 1\n", "b.py": "b = 1\n"})
    record = apply_patch(root, _two_file_patch(root), {})
    patched = snapshot(root)
    (record.dir / "blobs" / "1").unlink()
    with pytest.raises(PatchError, match=r"saved copy of b\.py .*blobs/1.* cannot be read.*nothing was restored"):
        undo(root)
    assert snapshot(root) == patched and not _temp_files(root)
    assert list_backups(root)[0].state == "applied"


def test_undo_with_a_damaged_blob_writes_nothing(tmp_path):
    root = make_repo(tmp_path / "r", {"a.py": "a = 1\n", "b.py": "b = 1\n"})
    record = apply_patch(root, _two_file_patch(root), {})
    patched = snapshot(root)
    (record.dir / "blobs" / "0").write_bytes(b"a = 1\n# truncated")
    with pytest.raises(PatchError, match=r"saved copy of a\.py .* is damaged"):
        undo(root)
    assert snapshot(root) == patched


@pytest.mark.parametrize("garbage", ["{not json", '{"id": 1}', '{"id": "x", "root": "/", "created": 1, '
                                     '"state": "applied", "files": [{"path": "a.py", "old": 7}]}'])
def test_undo_with_a_corrupted_record_names_it(tmp_path, garbage):
    root = make_repo(tmp_path / "r", {"a.py": "a = 1\n", "b.py": "b = 1\n"})
    record = apply_patch(root, _two_file_patch(root), {})
    patched = snapshot(root)
    (record.dir / "manifest.json").write_text(garbage)
    with pytest.raises(PatchError, match=rf"backup {record.id} is unreadable .*last applied patch"):
        undo(root)
    with pytest.raises(PatchError, match=rf"backup {record.id} is unreadable"):
        undo(root, record.id)
    assert snapshot(root) == patched


def test_an_older_corrupted_record_does_not_block_undo_of_the_newest(tmp_path):
    root = make_repo(tmp_path / "r", {"a.py": "a = 1\n", "b.py": "b = 1\n"})
    new = apply_patch(root, make_patch({"b.py": ("b = 1\n", "b = 2\n")}), {})
    (new.dir.parent / "20000101-000000-0000").mkdir()  # a broken record from long ago
    (new.dir.parent / "20000101-000000-0000" / "manifest.json").write_text("{")
    assert undo(root).id == new.id
    assert (root / "b.py").read_text() == "b = 1\n"


def test_undo_failing_mid_restore_rolls_back_and_leaves_no_temp_file(tmp_path, monkeypatch):
    root = make_repo(tmp_path / "r", {"a.py": "a = 1\n", "b.py": "b = 1\n"})
    apply_patch(root, _two_file_patch(root), {})
    patched = snapshot(root)
    real_replace = os.replace

    def flaky(src, dst):
        if str(dst).endswith("b.py"):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(atomic_mod.os, "replace", flaky)
    with pytest.raises(PatchError, match="could not restore the files .*nothing was changed"):
        undo(root)
    monkeypatch.setattr(atomic_mod.os, "replace", real_replace)
    assert snapshot(root) == patched and not _temp_files(root)
    assert list_backups(root)[0].state == "applied"
    undo(root)
    assert (root / "a.py").read_text() == "a = 1\n" and (root / "b.py").read_text() == "b = 1\n"


def test_a_file_name_at_the_system_limit_can_be_patched_and_undone(tmp_path):
    name = "n" * 250 + ".py"  # the temp file beside it must not need a longer name
    root = make_repo(tmp_path / "r", {name: "x = 1\n"})
    apply_patch(root, make_patch({name: ("x = 1\n", "x = 2\n")}), {})
    assert (root / name).read_text() == "x = 2\n"
    undo(root)
    assert (root / name).read_text() == "x = 1\n" and not _temp_files(root)


def test_undo_list_shows_an_unreadable_record(cart_repo, capsys):
    from types import SimpleNamespace

    from rdebug.commands import undo as undo_cmd

    record = apply_patch(cart_repo, _fix(cart_repo), {})
    (record.dir / "manifest.json").write_text("{")
    undo_cmd.run(SimpleNamespace(root=cart_repo, list=True, json=False, id=None, force=False), None)
    out = capsys.readouterr().out
    assert record.id in out and "unreadable" in out
