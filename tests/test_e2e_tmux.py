"""End to end, as a person would: the real app in tmux, a piped trace, keys, the screen's text."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from rdebug.commands.demo import copy_demo

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

RDEBUG = [sys.executable, "-m", "rdebug_tui"]  # the console script: engine CLI + this front end
FIX = """<think>The check uses < so the last page number is out of range.</think>
The range check rejects the last page.

paging.py
<<<<<<< SEARCH
    if not 1 <= number < pages:
=======
    if not 1 <= number <= pages:
>>>>>>> REPLACE
"""


class Tmux:
    def __init__(self, command: str, cwd: Path, env: dict[str, str], size: tuple[int, int] = (130, 42)) -> None:
        self.name = f"rdebug-e2e-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        script = (f"cd {shlex.quote(str(cwd))} && unset COLUMNS LINES && export {exports} && {command}; "
                  "echo EXIT=$?; sleep 120")
        x, y = str(size[0]), str(size[1])
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", x, "-y", y, script], check=True)
        self.resize(*size)

    def resize(self, width: int, height: int) -> None:
        subprocess.run(["tmux", "resize-window", "-t", self.name, "-x", str(width), "-y", str(height)],
                       capture_output=True)

    def screen(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True).stdout

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def wait_for(self, *needles: str, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if any(n in screen for n in needles):
                return screen
            time.sleep(0.3)
        raise AssertionError(f"none of {needles} on screen after {timeout} s:\n{screen}")

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def demo(tmp_path):
    repo = copy_demo(tmp_path / "repo")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=repo,
                         capture_output=True, text=True, env=env)
    assert out.returncode == 1
    trace = tmp_path / "trace.txt"
    trace.write_text(out.stdout + out.stderr)
    return repo, trace


def _env(tmp_path: Path) -> dict[str, str]:
    path = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    return {"PATH": path, "RDEBUG_CONFIG": os.devnull, "XDG_STATE_HOME": str(tmp_path / "state"),
            "XDG_CACHE_HOME": str(tmp_path / "cache"), "TERM": "xterm-256color"}


def _thinking_folded(screen: str) -> bool:
    """The thinking panel's header (top right) shows ▶ when folded and ▼ when expanded."""
    header = screen.splitlines()[1]
    assert "▶" in header or "▼" in header, screen
    return "▶" in header


def _cmd(trace: Path, *flags: str) -> str:
    return f"cat {shlex.quote(str(trace))} | {shlex.join(RDEBUG + list(flags))}"


@pytest.mark.model
def test_real_model_streams_a_piped_trace_and_thinking_folds(demo, tmp_path):
    repo, trace = demo
    before = (repo / "paging.py").read_bytes()
    # --no-search: the search beside the model can verify its fix before the model's first token, and then
    # the model's turn ends with no thinking to fold (what CI saw on a fast run)
    tmux = Tmux(_cmd(trace, "--model", "smollm2-135m-instruct", "--max-tokens", "48", "--attempts", "1",
                     "--no-search"), repo, _env(tmp_path))
    try:
        screen = tmux.wait_for("PageOutOfRange", timeout=60)
        assert "paging.py" in screen
        screen = tmux.wait_for("no usable patch", "verified", "failed:", timeout=480)
        assert "smollm2" in screen  # status bar: the model
        folded = _thinking_folded(screen)
        tmux.keys("t")
        deadline = time.monotonic() + 10
        while _thinking_folded(tmux.screen()) == folded and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _thinking_folded(tmux.screen()) != folded, tmux.screen()
        tmux.keys("q")
        assert "EXIT=0" in tmux.wait_for("EXIT=", timeout=30)
    finally:
        tmux.close()
    assert (repo / "paging.py").read_bytes() == before


def test_apply_from_the_app_then_undo_from_the_shell(demo, tmp_path):
    repo, trace = demo
    before = (repo / "paging.py").read_bytes()
    reply = tmp_path / "reply.txt"
    reply.write_text(FIX)
    env = _env(tmp_path)
    tmux = Tmux(_cmd(trace, "--backend", f"replay:{reply}"), repo, env)
    try:
        screen = tmux.wait_for("✓ verified", timeout=120)
        assert "+    if not 1 <= number <= pages:" in screen, screen
        assert "<<<<<<< SEARCH" not in screen and "the edit is in the Patch panel" in screen  # no raw markers
        tmux.keys("a")
        tmux.wait_for("applied to paging.py", timeout=30)
        assert "applied to your files · u undoes" in tmux.screen()
        assert (repo / "paging.py").read_bytes() != before
        tmux.keys("q")
        assert "EXIT=0" in tmux.wait_for("EXIT=", timeout=30)
    finally:
        tmux.close()
    undo = subprocess.run(RDEBUG + ["undo"], cwd=repo, capture_output=True, text=True, env={**os.environ, **env})
    assert undo.returncode == 0, undo.stderr
    assert (repo / "paging.py").read_bytes() == before


def _capture(name: str, screen: str) -> None:
    """Keep a screen for a person to read (RDEBUG_E2E_CAPTURES names a folder)."""
    folder = os.environ.get("RDEBUG_E2E_CAPTURES")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{name}.txt").write_text(screen)


def test_three_failures_each_debugged_on_its_own_at_120x40_and_80x24(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(Path(__file__).parent / "tui"))  # a helper of the TUI tests
    from three_failures import THREE_REPLIES, make_three_failure_repo

    repo = make_three_failure_repo(tmp_path / "repo")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    replies = tmp_path / "replies.txt"
    replies.write_text(THREE_REPLIES)
    # the model's replies only (--no-search): which candidate wins is not what this test is about
    command = shlex.join(RDEBUG + ["--backend", f"replay:{replies}", "--attempts", "1", "--no-search", "--",
                                   sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"])
    tmux = Tmux(command, repo, _env(tmp_path), size=(120, 40))
    try:
        screen = tmux.wait_for("✓ verified", timeout=120)
        assert "failure 1 of 3" in screen and "replay" in screen, screen
        assert "+    if not values:" in screen
        tmux.keys("1")
        time.sleep(0.5)
        tmux.keys("Down")
        time.sleep(0.3)
        tmux.keys("Enter")
        screen = tmux.wait_for("failure 2 of 3", timeout=30)
        screen = tmux.wait_for("mid = len(ordered) // 2", timeout=120)
        screen = tmux.wait_for("verified: the failing test now passes", timeout=120)
        assert "failure 2 of 3" in screen and "test_median_even" in screen
        _capture("three-failures-120x40", screen)
        tmux.keys("r")
        time.sleep(1.0)
        screen = tmux.wait_for("failure 2 of 3", timeout=60)
        assert "mid = len(ordered) // 2" in screen  # the chosen failure's patch is still shown
        tmux.resize(80, 24)
        time.sleep(1.5)
        screen = tmux.screen()
        _capture("three-failures-80x24", screen)
        footer = screen.rstrip("\n").splitlines()[-1]
        assert "? help" in footer and "q quit" in footer, screen
        assert re.search(r"▶ +\d+ │", screen) and "verified" in screen, screen  # the failing line, the verdict
        tmux.keys("q")
        assert "EXIT=0" in tmux.wait_for("EXIT=", timeout=30)
    finally:
        tmux.close()


def test_an_error_that_stops_the_session_stays_and_exits_like_headless(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    tmux = Tmux(shlex.join(RDEBUG), empty, _env(tmp_path), size=(100, 30))
    try:
        screen = tmux.wait_for("Nothing to debug here", timeout=60)
        assert "rdebug -- pytest" in screen, screen
        tmux.keys("Escape")
        time.sleep(0.5)
        screen = tmux.screen()
        assert "q quits" in screen and "Waiting for the failing test output" not in screen, screen
        tmux.keys("q")
        assert "EXIT=5" in tmux.wait_for("EXIT=", timeout=30)
    finally:
        tmux.close()
