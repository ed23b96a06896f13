"""Guess the command that runs a repository's tests (pytest, unittest, npm, go, cargo, maven, gradle)."""

from __future__ import annotations

import configparser
import json
import os
import shutil
import sys
import tomllib
from pathlib import Path

from rdebug.intake.pathmap import SKIP_DIRS

# --tb=long gives source context; no cache provider so nothing lands in .pytest_cache; -rfE keeps the
# FAILED/ERROR summary lines that carry node ids. The user's addopts are kept: they may be needed.
PYTEST_ARGS = ["-m", "pytest", "--tb=long", "-q", "-rfE", "-p", "no:cacheprovider", "--color=no"]
NPM_DEFAULT_TEST = 'echo "Error: no test specified" && exit 1'
MAX_SCAN = 5000


def python_for(root: Path) -> str:
    """The project's interpreter: its virtualenv, the active one, ``python3`` on PATH, else ours."""
    for venv in (".venv", "venv", "env"):
        for exe in ("bin/python", "Scripts/python.exe"):
            cand = root / venv / exe
            if cand.is_file():
                return str(cand)
    active = os.environ.get("VIRTUAL_ENV")
    if active and (Path(active) / "bin" / "python").is_file():
        return str(Path(active) / "bin" / "python")
    return shutil.which("python3") or shutil.which("python") or sys.executable


def pytest_configured(root: Path) -> bool:
    if (root / "pytest.ini").is_file() or (root / "conftest.py").is_file():
        return True
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            if "pytest" in tomllib.loads(pyproject.read_text(errors="replace")).get("tool", {}):
                return True
        except (tomllib.TOMLDecodeError, OSError):
            pass
    for name, section in (("setup.cfg", "tool:pytest"), ("tox.ini", "pytest")):
        cfg = root / name
        if cfg.is_file():
            parser = configparser.ConfigParser(interpolation=None, strict=False)
            try:
                parser.read(cfg, encoding="utf-8")
            except (configparser.Error, OSError, UnicodeDecodeError):
                continue
            if parser.has_section(section):
                return True
    return False


def python_test_files(root: Path) -> list[Path]:
    found: list[Path] = []
    scanned = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
        for name in filenames:
            scanned += 1
            if name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py")):
                found.append(Path(dirpath) / name)
        if scanned > MAX_SCAN:
            break
    return found


def _uses_only_unittest(files: list[Path]) -> bool:
    saw_unittest = False
    for path in files[:200]:
        try:
            text = path.read_text(errors="replace")
        except OSError:
            continue
        if "pytest" in text:
            return False
        saw_unittest = saw_unittest or "unittest" in text
    return saw_unittest


def _npm_test(root: Path) -> list[str] | None:
    pkg = root / "package.json"
    if not pkg.is_file():
        return None
    try:
        data = json.loads(pkg.read_text(errors="replace"))
    except (json.JSONDecodeError, OSError):
        return None
    script = (data.get("scripts") or {}).get("test") if isinstance(data, dict) else None
    if not isinstance(script, str) or not script.strip() or script.strip() == NPM_DEFAULT_TEST:
        return None
    return ["npm", "test", "--silent"]


def detect_test_command(root: Path) -> list[str] | None:
    """The argv that runs the tests of ``root``, or None when nothing recognisable is there."""
    root = Path(root)
    if pytest_configured(root):
        return [python_for(root), *PYTEST_ARGS]
    if (root / "go.mod").is_file():
        return ["go", "test", "./..."]
    if (root / "Cargo.toml").is_file():
        return ["cargo", "test"]
    if (root / "pom.xml").is_file():
        return ["mvn", "-q", "-B", "test"]
    for build in ("build.gradle", "build.gradle.kts"):
        if (root / build).is_file():
            return ["./gradlew", "test"] if (root / "gradlew").is_file() else ["gradle", "test"]
    npm = _npm_test(root)
    if npm:
        return npm
    tests = python_test_files(root)
    if tests:
        if _uses_only_unittest(tests):
            return [python_for(root), "-m", "unittest", "discover", "-p", "test*.py"]
        return [python_for(root), *PYTEST_ARGS]
    return None


def is_pytest(argv: list[str] | None) -> bool:
    if not argv:
        return False
    joined = " ".join(argv[:4])
    return "-m pytest" in joined or Path(argv[0]).name in ("pytest", "py.test")


def hang_dump_timeout(timeout_s: float) -> int:
    """pytest's ``faulthandler_timeout``: a little under rdebug's, so the stacks print before the kill."""
    return max(1, int(min(timeout_s * 0.9, timeout_s - 1)))


def with_hang_dump(argv: list[str], timeout_s: float) -> list[str]:
    """``argv`` with ``-o faulthandler_timeout=N`` after the pytest token, so a hanging test prints its stacks.

    Unchanged for other runners, when the user set it already or turned the plugin off.
    """
    if not is_pytest(argv) or any("faulthandler" in str(a) for a in argv):
        return list(argv)
    at = 1
    for k in range(min(len(argv) - 1, 4)):
        if argv[k] == "-m" and argv[k + 1] == "pytest":
            at = k + 2
            break
    return [*argv[:at], "-o", f"faulthandler_timeout={hang_dump_timeout(timeout_s)}", *argv[at:]]
