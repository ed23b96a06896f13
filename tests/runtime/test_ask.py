"""`rdebug ask`: JSON events shape and plain output, through the replay backend."""

from __future__ import annotations

import importlib.util
import io
import json

import pytest

from rdebug.cli import parse_args
from rdebug.commands import ask
from rdebug.config import Config
from rdebug.errors import UsageError


def run_ask(argv, cfg):
    _, args = parse_args(["ask", *argv])
    out = io.StringIO()
    code = ask.run(args, cfg, out=out, err=io.StringIO())
    return code, out.getvalue()


@pytest.fixture
def replay_cfg(tmp_path):
    f = tmp_path / "reply.txt"
    f.write_text("<think>The loop stops early.</think>\n\nUse `range(n + 1)`.")
    return Config(backend=f"replay:{f}")


def test_json_events_shape(replay_cfg):
    code, text = run_ask(["--no-context", "--json-events", "why", "does", "it", "fail?"], replay_cfg)
    assert code == 0
    lines = [json.loads(line) for line in text.splitlines()]
    types = [d["type"] for d in lines]
    assert types[-2:] == ["usage", "done"]
    assert set(types[:-2]) <= {"thinking", "answer"}
    assert "".join(d["text"] for d in lines if d["type"] == "thinking") == "The loop stops early."
    assert "".join(d["text"] for d in lines if d["type"] == "answer") == "Use `range(n + 1)`."
    usage = lines[-2]
    assert set(usage) >= {"prompt_tokens", "thinking_tokens", "answer_tokens", "ttft_s", "tokens_per_s"}


def test_plain_output_when_not_a_tty(replay_cfg):
    code, text = run_ask(["--no-context", "why?"], replay_cfg)
    assert code == 0
    assert text.startswith("[thinking]\nThe loop stops early.\n\n[answer]\nUse `range(n + 1)`.")
    assert "\x1b[" not in text


def test_error_event_in_json(tmp_path, cfg):
    cfg.model = str(tmp_path / "missing.gguf")
    code, text = run_ask(["--no-context", "--json-events", "q"], cfg)
    assert code == 3
    doc = json.loads(text.splitlines()[-1])
    assert doc["type"] == "error" and "not found" in doc["message"]


def test_no_context_needs_question(replay_cfg):
    with pytest.raises(UsageError):
        run_ask(["--no-context"], replay_cfg)


@pytest.mark.model
@pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None, reason="llama-cpp-python is not installed")
def test_json_events_real_model(smollm2, cfg):
    cfg.model, cfg.max_tokens, cfg.ctx, cfg.threads = str(smollm2), 8, 2048, 1
    code, text = run_ask(["--no-context", "--json-events", "Say", "hi."], cfg)
    assert code == 0
    lines = [json.loads(line) for line in text.splitlines()]
    assert [d["type"] for d in lines][-2:] == ["usage", "done"]
    assert lines[-2]["prompt_tokens"] > 0 and lines[-2]["answer_tokens"] + lines[-2]["thinking_tokens"] <= 8


@pytest.mark.model
@pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None, reason="llama-cpp-python is not installed")
def test_ctrl_c_cancels_and_exits_130(smollm2, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    env = {**os.environ, "RDEBUG_CONFIG": str(tmp_path / "none.toml")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "rdebug", "ask", "--no-context", "--json-events", "--model", str(smollm2),
         "--max-tokens", "3000", "--ctx", "4096", "--threads", "1", "Count from 1 to 1000, one per line."],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, cwd=tmp_path, env=env,
    )
    first = proc.stdout.readline()
    assert json.loads(first)["type"] in ("thinking", "answer")
    t0 = time.perf_counter()
    proc.send_signal(signal.SIGINT)
    rest = proc.stdout.read()
    proc.wait(30)
    assert proc.returncode == 130, proc.stderr.read()
    assert json.loads(rest.splitlines()[-1]) == {"type": "done", "reason": "cancelled"}
    assert time.perf_counter() - t0 < 5  # cancel itself is < 250 ms; this includes closing the worker
