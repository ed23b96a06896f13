"""The scripted (fake) and replay backends, and open_backend's choices."""

from __future__ import annotations

import threading

import pytest

from rdebug.config import Config
from rdebug.errors import ConfigError, ModelError
from rdebug.events import AnswerDelta, Done, ModelReady, ThinkingDelta, Usage
from rdebug.runtime import open_backend
from rdebug.runtime.base import ChatMessage, GenerationRequest, ready_stats
from rdebug.runtime.fake import ScriptedBackend
from rdebug.runtime.replay import SEPARATOR, ReplayBackend, parse_replies

REQ = GenerationRequest([ChatMessage("user", "why?")])


def texts(events):
    think = "".join(e.text for e in events if isinstance(e, ThinkingDelta))
    answer = "".join(e.text for e in events if isinstance(e, AnswerDelta))
    return think, answer


def test_scripted_replies_in_order_last_repeats():
    b = ScriptedBackend(["<think>a</think>one", "two"])
    assert isinstance(ready_stats(b.load()), ModelReady)
    assert texts(list(b.generate(REQ))) == ("a", "one")
    assert texts(list(b.generate(REQ)))[1] == "two"
    events = list(b.generate(REQ))
    assert texts(events)[1] == "two"
    assert isinstance(events[-2], Usage) and events[-1] == Done("stop")
    assert b.calls == 3 and b.requests[0] is REQ


def test_scripted_cancel_from_other_thread():
    b = ScriptedBackend(["x" * 600], delay_s=0.01, chunk_size=1)
    timer = threading.Timer(0.05, b.cancel)
    timer.start()
    events = list(b.generate(REQ))
    assert events[-1] == Done("cancelled")
    assert len(texts(events)[1]) < 600


def test_replay_file(tmp_path):
    f = tmp_path / "reply.txt"
    f.write_text(f"<think>first thought</think>\nfirst answer\n{SEPARATOR}\nsecond answer\n")
    b = open_backend(Config(backend=f"replay:{f}"))
    assert isinstance(b, ReplayBackend)
    stats = ready_stats(b.load()).stats
    assert stats.backend == "replay"
    assert texts(list(b.generate(REQ))) == ("first thought", "first answer")
    assert texts(list(b.generate(REQ))) == ("", "second answer")
    assert texts(list(b.generate(REQ))) == ("", "second answer")


def test_parse_replies_single():
    assert parse_replies("only\n") == ["only"]


def test_replay_missing_file(tmp_path):
    with pytest.raises(ModelError, match="cannot read replay file"):
        open_backend(Config(backend=f"replay:{tmp_path / 'nope.txt'}"))


def test_open_backend_choices():
    assert open_backend(Config(backend="fake")).name == "fake"
    assert open_backend(Config(backend="llama")).name == "llama"
    with pytest.raises(ConfigError, match="base-url"):
        open_backend(Config(backend="openai"))
    with pytest.raises(ConfigError, match="unknown backend"):
        open_backend(Config(backend="magic"))
