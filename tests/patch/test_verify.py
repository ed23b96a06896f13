import sys
import time

from helpers_patch import FIX_REPLY, make_repo, snapshot

from rdebug.patch.compose import build_patch
from rdebug.patch.diff import make_patch
from rdebug.patch.edits import parse_edits
from rdebug.patch.scratch import ScratchCopy
from rdebug.patch.verify import verify_patch

CHECK = [sys.executable, "-c", "import cart; assert cart.discount(100, 10) == 90, cart.discount(100, 10)"]


def test_fix_is_verified_and_tree_untouched(cart_repo):
    before = snapshot(cart_repo)
    patch = build_patch(cart_repo, parse_edits(FIX_REPLY).edits).patch
    result = verify_patch(cart_repo, patch, CHECK, timeout_s=60)
    assert result.verified and result.exit_code == 0 and not result.timed_out
    assert snapshot(cart_repo) == before


def test_wrong_fix_fails_with_output(cart_repo):
    patch = build_patch(cart_repo, parse_edits(FIX_REPLY.replace("total - total", "total * total")).edits).patch
    result = verify_patch(cart_repo, patch, CHECK, timeout_s=60)
    assert not result.verified and result.exit_code == 1
    assert "AssertionError" in result.output_tail and result.failures >= 1


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as fh:
            return not any(line.startswith("State:") and "Z" in line for line in fh)
    except FileNotFoundError:
        return False


def test_hanging_command_is_killed_with_its_process_group(cart_repo, tmp_path):
    patch = make_patch({"cart.py": ((cart_repo / "cart.py").read_text(), "import time\ntime.sleep(120)\n")})
    pidfile = tmp_path / "child.pid"
    hang = [sys.executable, "-c", "import subprocess, sys; p = subprocess.Popen([sys.executable, '-c', "
            f"'import time; time.sleep(120)']); open({str(pidfile)!r}, 'w').write(str(p.pid)); import cart"]
    start = time.monotonic()
    result = verify_patch(cart_repo, patch, hang, timeout_s=3)
    assert result.timed_out and not result.verified
    assert time.monotonic() - start < 30
    assert "timed out after 3 s" in result.output_tail
    deadline = time.monotonic() + 5
    while _alive(int(pidfile.read_text())) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(int(pidfile.read_text()))


def test_scratch_copy_has_uncommitted_and_untracked_but_not_ignored(tmp_path):
    root = make_repo(tmp_path / "r", {"a.py": "a = 1\n", ".gitignore": "secret.txt\n"})
    (root / "a.py").write_text("a = 2  # uncommitted\n")
    (root / "new.py").write_text("n = 1\n")
    (root / "secret.txt").write_text("ignored\n")
    (root / "node_modules").mkdir()
    (root / "node_modules" / "dep.js").write_text("module.exports = 1\n")
    with ScratchCopy(root) as scratch:
        assert (scratch / "a.py").read_text() == "a = 2  # uncommitted\n"
        assert (scratch / "new.py").exists()
        assert not (scratch / "secret.txt").exists()
        assert (scratch / "node_modules").is_symlink()
        assert not (scratch / ".git").exists()
    assert not scratch.exists()


def test_scratch_copy_outside_git_skips_venvs(tmp_path):
    root = tmp_path / "plain"
    (root / ".venv" / "lib").mkdir(parents=True)
    (root / ".venv" / "lib" / "x.py").write_text("")
    (root / "__pycache__").mkdir()
    (root / "m.py").write_text("m = 1\n")
    with ScratchCopy(root) as scratch:
        assert (scratch / "m.py").exists()
        assert (scratch / ".venv").is_symlink() and not (scratch / "__pycache__").exists()


def test_regressions_against_the_suite(cart_repo):
    broken_total = FIX_REPLY + "\ncart.py\n<<<<<<< SEARCH\n    return result\n=======\n    return -1\n>>>>>>> REPLACE\n"
    patch = build_patch(cart_repo, parse_edits(broken_total).edits).patch
    suite = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_cart.py"]
    result = verify_patch(cart_repo, patch, CHECK, timeout_s=120, regression_cmd=suite)
    assert not result.verified
    assert result.regressions == ["test_cart.py::test_total"]
    good = build_patch(cart_repo, parse_edits(FIX_REPLY).edits).patch
    assert verify_patch(cart_repo, good, CHECK, timeout_s=120, regression_cmd=suite,
                        baseline={"test_cart.py::test_discount"}).verified


def test_absolute_paths_into_the_repo_are_redirected(cart_repo):
    patch = build_patch(cart_repo, parse_edits(FIX_REPLY).edits).patch
    cmd = [sys.executable, str(cart_repo / "check.py")]
    (cart_repo / "check.py").write_text("import cart\nassert cart.discount(100, 10) == 90\n")
    assert verify_patch(cart_repo, patch, cmd, timeout_s=60).verified
