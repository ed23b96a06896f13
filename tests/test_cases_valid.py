"""The bench cases and the bundled demo are real bugs: the command fails as shipped and passes once the
solution patch is applied."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.cases  # runs every case twice: about 40 s of CPU in total

ROOT = Path(__file__).resolve().parents[1]
CASES_DIR = ROOT / "bench" / "cases"
CASES = sorted(p for p in CASES_DIR.iterdir() if (p / "case.toml").is_file())
DEMO_DIR = ROOT / "src" / "rdebug" / "data" / "demo"
DEMO_PATCH = ROOT / "tests" / "fixtures" / "demo_solution.patch"

REQUIRED_KINDS = {
    "off-by-one", "wrong-operator", "wrong-variable", "missing-none-check", "wrong-exception-type",
    "mutable-default-argument", "bug-outside-traceback", "two-file", "assertion-only", "wrong-return",
    "string-formatting", "integer-division", "dict-key", "loop-early-return", "sort-key", "boundary-condition",
}


def _meta(case_dir: Path) -> dict:
    return tomllib.loads((case_dir / "case.toml").read_text())


def _argv(command: str) -> list[str]:
    argv = shlex.split(command)
    if argv[0] in ("python", "python3"):
        argv[0] = sys.executable
    return argv


def _run(command: str, cwd: Path, timeout: float) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NODE_OPTIONS"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # a stale .pyc must not hide the patched source
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # the cases need no plugins; loading them costs seconds
    return subprocess.run(_argv(command), cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "core.autocrlf=false", *args], cwd=cwd, check=True, capture_output=True)


def _check_fails_then_passes(repo: Path, patch: Path, meta: dict, tmp_path: Path) -> None:
    if meta["command"].startswith("node") and shutil.which("node") is None:
        pytest.skip("node is not installed")
    work = tmp_path / "repo"
    shutil.copytree(repo, work, ignore=shutil.ignore_patterns("case.toml", "__pycache__", ".pytest_cache"))
    timeout = meta.get("timeout", 60)
    before = _run(meta["command"], work, timeout)
    assert before.returncode != 0, f"passes without the fix:\n{before.stdout}{before.stderr}"
    _git(work, "init", "-q")
    _git(work, "apply", str(patch))
    after = _run(meta["command"], work, timeout)
    assert after.returncode == 0, f"still fails with the fix:\n{after.stdout}{after.stderr}"


@pytest.mark.parametrize("case_dir", CASES, ids=[p.name for p in CASES])
def test_case_fails_then_passes_with_solution(case_dir: Path, tmp_path: Path) -> None:
    _check_fails_then_passes(case_dir / "repo", case_dir / "solution.patch", _meta(case_dir), tmp_path)


@pytest.mark.parametrize("case_dir", CASES, ids=[p.name for p in CASES])
def test_case_shape(case_dir: Path) -> None:
    meta = _meta(case_dir)
    assert meta["command"] and meta["description"] and meta["kind"]
    repo = case_dir / "repo"
    assert not (repo / ".git").exists()
    files = [p for p in repo.rglob("*") if p.is_file()]
    assert 2 <= len(files) <= 6, files
    lines = sum(len(p.read_text().splitlines()) for p in files)
    assert 20 <= lines <= 200, lines
    assert not any(p.suffix == ".pyc" for p in files)


def test_case_set_covers_the_brief() -> None:
    metas = [_meta(p) for p in CASES]
    assert len(metas) >= 32
    assert REQUIRED_KINDS <= {m["kind"] for m in metas}
    assert sum(m["command"].startswith("node") for m in metas) >= 6


def test_demo_fails_then_passes_with_solution(tmp_path: Path) -> None:
    _check_fails_then_passes(DEMO_DIR, DEMO_PATCH, _meta(DEMO_DIR), tmp_path)


@pytest.mark.parametrize("case_dir", [p for p in CASES if "hidden_command" in _meta(p)], ids=lambda p: p.name)
def test_hidden_check_fails_as_shipped_and_passes_with_solution(case_dir: Path, tmp_path: Path) -> None:
    """A case's hidden check (``hidden/`` laid over the repository, ``hidden_command`` run from its root) catches
    the bug as shipped and passes once the solution is applied: it judges fixes, so it must accept the real one."""
    meta = _meta(case_dir)
    assert (case_dir / "hidden").is_dir() and any(p.is_file() for p in (case_dir / "hidden").rglob("*"))
    if meta["hidden_command"].startswith("node") and shutil.which("node") is None:
        pytest.skip("node is not installed")
    work = tmp_path / "repo"
    shutil.copytree(case_dir / "repo", work, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    shutil.copytree(case_dir / "hidden", work, dirs_exist_ok=True)
    timeout = meta.get("timeout", 60)
    before = _run(meta["hidden_command"], work, timeout)
    assert before.returncode != 0, f"the hidden check passes without the fix:\n{before.stdout}{before.stderr}"
    _git(work, "init", "-q")
    _git(work, "apply", str(case_dir / "solution.patch"))
    after = _run(meta["hidden_command"], work, timeout)
    assert after.returncode == 0, f"the hidden check fails with the fix:\n{after.stdout}{after.stderr}"
