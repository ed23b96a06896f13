"""Helpers for the patch tests: small git repositories and tree snapshots."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def make_repo(root: Path, files: dict[str, str], commit: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    git(root, "init", "-q")
    git(root, "config", "user.email", "t@example.com")
    git(root, "config", "user.name", "T")
    if commit:
        git(root, "add", "-A")
        git(root, "commit", "-qm", "init", "--allow-empty")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root (except .git) with its bytes, to prove a tree is untouched."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and ".git" not in p.relative_to(root).parts}


CART = '''def total(items):
    result = 0
    for price, qty in items:
        result += price * qty
    return result


def discount(total, percent):
    return total + total * percent / 100
'''

CART_TEST = '''from cart import discount, total


def test_total():
    assert total([(2, 3)]) == 6


def test_discount():
    assert discount(100, 10) == 90
'''


FIX_REPLY = '''<think>discount adds instead of subtracting</think>
The discount is added instead of subtracted.

cart.py
<<<<<<< SEARCH
    return total + total * percent / 100
=======
    return total - total * percent / 100
>>>>>>> REPLACE
'''


def make_loop(problem, prompt_text: str, backend, root: Path, command, *, timeout_s: float = 300,
              regression_cmd=None, expected_hashes=None, baseline=None, targets=None, **opts):
    """A model repair loop on a job made of these parts (``opts``: the ``RoundOptions`` fields)."""
    from rdebug.job import Job, RoundOptions
    from rdebug.repair.loop import RepairLoop

    job = Job(root=Path(root), problem=problem, context=None, prompt_text=prompt_text,
              hashes=dict(expected_hashes or {}), command=list(command) if command else None,
              regression_cmd=list(regression_cmd) if regression_cmd else None, timeout_s=timeout_s,
              baseline=baseline)
    return RepairLoop(job, backend, RoundOptions(**opts), targets=targets)
