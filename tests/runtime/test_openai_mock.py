"""The openai backend against a mocked server (SSE streaming, reasoning_content, errors)."""

from __future__ import annotations

import json
from dataclasses import replace

import httpx

from rdebug.events import AnswerDelta, Done, Error, ModelReady, ThinkingDelta, Usage
from rdebug.runtime.base import ChatMessage, GenerationRequest, Variant
from rdebug.runtime.openai_backend import OpenAIBackend

REQ = GenerationRequest([ChatMessage("user", "why?")], max_tokens=50)


def sse(chunks):
    body = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"
    return httpx.Response(200, text=body, headers={"content-type": "text/event-stream"})


def delta(**d):
    return {"choices": [{"delta": d, "finish_reason": None}]}


def backend(handler):
    return OpenAIBackend("http://127.0.0.1:9/v1", transport=httpx.MockTransport(handler))


def test_tags_split_and_usage():
    seen = {}

    def handler(request):
        if request.url.path.endswith("/models"):
            return httpx.Response(200, json={"data": [{"id": "served"}]})
        seen.update(json.loads(request.content))
        return sse([delta(content="<thi"), delta(content="nk>hm</think>"), delta(content="ok"),
                    {"choices": [], "usage": {"prompt_tokens": 7, "completion_tokens": 4}}])

    b = backend(handler)
    ready = [e for e in b.load() if isinstance(e, ModelReady)][0]
    assert ready.stats.backend == "remote" and ready.stats.extra["served_model"] == "served"
    events = list(b.generate(REQ))
    assert "".join(e.text for e in events if isinstance(e, ThinkingDelta)) == "hm"
    assert "".join(e.text for e in events if isinstance(e, AnswerDelta)) == "ok"
    usage = [e for e in events if isinstance(e, Usage)][0]
    assert usage.prompt_tokens == 7 and usage.thinking_tokens + usage.answer_tokens == 4
    assert events[-1] == Done("stop") and seen["stream"] is True and seen["max_tokens"] == 50


def test_reasoning_content_field():
    b = backend(lambda r: sse([delta(reasoning_content="think "), delta(reasoning="more"), delta(content="answer")]))
    events = list(b.generate(REQ))
    assert "".join(e.text for e in events if isinstance(e, ThinkingDelta)) == "think more"
    assert "".join(e.text for e in events if isinstance(e, AnswerDelta)) == "answer"


def test_unreachable_server_is_clear_error():
    b = OpenAIBackend("http://127.0.0.1:9")
    events = list(b.load())
    assert isinstance(events[-1], Error) and "cannot reach the model server" in events[-1].message
    assert isinstance(list(b.generate(REQ))[-1], Error)


def test_http_error_status():
    b = backend(lambda r: httpx.Response(500, text="boom"))
    events = list(b.generate(REQ))
    assert isinstance(events[-1], Error) and "HTTP 500" in events[-1].message


def test_k_candidates_are_concurrent_requests_each_tagged():
    import threading
    from dataclasses import replace

    bodies = []
    lock = threading.Lock()
    both_in = threading.Barrier(3, timeout=10)  # all three requests are open at the same time

    def handler(request):
        if request.url.path.endswith("/models"):
            return httpx.Response(200, json={"data": [{"id": "served"}]})
        body = json.loads(request.content)
        with lock:
            bodies.append(body)
        both_in.wait()
        return sse([delta(content=f"reply at {body.get('temperature')} {body.get('seed')}")])

    b = backend(handler)
    ready = [e for e in b.load() if isinstance(e, ModelReady)][0]
    assert ready.stats.profile.parallel_sequences > 1
    events = list(b.generate(replace(REQ, n=3)))
    texts = {}
    for e in events:
        if isinstance(e, AnswerDelta):
            texts[e.candidate] = texts.get(e.candidate, "") + e.text
    assert sorted(e.candidate for e in events if isinstance(e, Done)) == [0, 1, 2]
    assert sorted(e.candidate for e in events if isinstance(e, Usage)) == [0, 1, 2]
    assert len(set(texts.values())) == 3  # candidates 1 and 2 sample hotter
    assert len({(b.get("temperature"), b.get("seed")) for b in bodies}) == 3


def test_variants_send_each_candidate_its_own_prompt():
    bodies: list[dict] = []

    def handler(request):
        if request.url.path.endswith("/models"):
            return httpx.Response(200, json={"data": [{"id": "served"}]})
        body = json.loads(request.content)
        bodies.append(body)
        return sse([delta(content="ok")])

    b = backend(handler)
    list(b.load())
    one, two = Variant([ChatMessage("user", "rewrite f")], "def f("), Variant([ChatMessage("user", "rewrite g")], "def g(")
    events = list(b.generate(replace(REQ, n=2, variants=[one, two])))
    assert sorted(e.candidate for e in events if isinstance(e, Done)) == [0, 1]
    asked = sorted((body["messages"][0]["content"], body["messages"][-1]["content"]) for body in bodies)
    assert asked == [("rewrite f", "def f("), ("rewrite g", "def g(")]
    assert len({body.get("temperature") for body in bodies}) == 1  # different prompts: neither is a hotter repeat
