"""The ``openai`` backend: an OpenAI-compatible server's streaming chat completions (httpx, SSE)."""

from __future__ import annotations

import json
import queue
import threading
import time
from dataclasses import replace
from typing import Any, Iterator

import httpx

from rdebug.events import (
    Done, Error, ModelLoading, ModelProfile, ModelReady, ModelStats, RuntimeEvent, ThinkingDelta, Usage,
)
from rdebug.runtime.base import GenerationRequest, Sampling, candidate_sampling, for_candidate, sampling_for
from rdebug.runtime.samples import TAGGED
from rdebug.runtime.catalog import load_catalog
from rdebug.runtime.fake import estimate_tokens
from rdebug.runtime.splitter import ThinkingSplitter


SERVER_CANDIDATES = 8  # candidates asked of a server at once at most (its slots decide how many run together)


class OpenAIBackend:
    name = "openai"

    def __init__(
        self,
        base_url: str,
        model: str = "",
        api_key: str | None = None,
        timeout_s: float = 600.0,
        transport: httpx.BaseTransport | None = None,  # tests
    ) -> None:
        self.base_url = base_url.rstrip("/")
        if not self.base_url.endswith("/v1"):
            self.base_url += "/v1"
        self.model = model
        self.api_key = api_key
        entry = load_catalog().get(model) if model else None
        self.entry = entry or load_catalog().for_file(model or "")
        self.thinking_mode = self.entry.thinking if self.entry.family else "think-tags"
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout_s, connect=5.0), headers=self._headers(), transport=transport
        )
        self._cancel = threading.Event()
        self.stats: ModelStats | None = None
        self._resps: set[httpx.Response] = set()  # the streams open now (one per candidate)

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    def _unreachable(self, exc: Exception) -> Error:
        return Error(f"cannot reach the model server at {self.base_url}: {type(exc).__name__}: {exc}", fatal=True)

    def load(self) -> Iterator[RuntimeEvent]:
        yield ModelLoading(0.0, f"connecting to {self.base_url}")
        t0 = time.perf_counter()
        try:
            resp = self._client.get(f"{self.base_url}/models", timeout=10.0)
        except httpx.HTTPError as exc:
            yield self._unreachable(exc)
            return
        if resp.status_code >= 400 and resp.status_code != 404:
            yield Error(f"model server {self.base_url} answered HTTP {resp.status_code} to /models", fatal=True)
            return
        served = ""
        try:
            data = resp.json().get("data") or []
            served = data[0].get("id", "") if data else ""
        except (ValueError, AttributeError):
            pass
        self.stats = ModelStats(
            model=self.model or served or "remote",
            backend="remote",
            load_s=time.perf_counter() - t0,
            profile=ModelProfile.from_entry(self.entry, "server", thinking_mode=self.thinking_mode,
                                            parallel_sequences=SERVER_CANDIDATES),
            extra={"base_url": self.base_url, "served_model": served},
        )
        yield ModelReady(self.stats)

    def _body(self, request: GenerationRequest, candidate: int = 0) -> dict[str, Any]:
        s = sampling_for(request, self.entry.sampling if self.entry.family else None)
        if candidate:
            s = candidate_sampling(s or Sampling(), candidate)
        body: dict[str, Any] = {
            "model": self.model or "default",
            # a pre-filled reply start is a final assistant message, which llama-server continues; a server
            # that answers anew writes the whole block, and the repair loop keeps that reply as it is
            "messages": [{"role": m.role, "content": m.content} for m in request.messages]
            + ([{"role": "assistant", "content": request.prefill}] if request.prefill else []),
            "stream": True,
            "max_tokens": request.max_tokens,
            "stream_options": {"include_usage": True},
        }
        if s is not None:
            body.update(temperature=s.temperature, top_p=s.top_p, top_k=s.top_k, min_p=s.min_p,
                        repeat_penalty=s.repeat_penalty)
            if s.seed is not None:
                body["seed"] = s.seed
        if request.stop:
            body["stop"] = request.stop
        return body

    def generate(self, request: GenerationRequest) -> Iterator[RuntimeEvent]:
        """One reply, or ``request.n`` candidates through concurrent requests (llama-server and vLLM serve
        parallel slots); each candidate's events carry its number and end with its own Done."""
        self._cancel.clear()
        if request.n <= 1:
            yield from self._stream(request)
            return
        merged: queue.Queue = queue.Queue()

        def one(candidate: int) -> None:
            own, repeat = for_candidate(request, candidate)  # its variant's prompt; hotter when repeated
            try:
                for ev in self._stream(own, repeat):
                    merged.put(replace(ev, candidate=candidate) if isinstance(ev, TAGGED) else ev)
            except Exception as exc:  # noqa: BLE001 - one candidate's failure is reported, the others go on
                merged.put(Error(f"candidate {candidate + 1}: {type(exc).__name__}: {exc}"))
            finally:
                merged.put(None)

        threads = [threading.Thread(target=one, args=(c,), name=f"rdebug-openai-{c}", daemon=True)
                   for c in range(request.n)]
        for t in threads:
            t.start()
        running = len(threads)
        while running:
            ev = merged.get()
            if ev is None:
                running -= 1
            else:
                yield ev

    def _stream(self, request: GenerationRequest, candidate: int = 0) -> Iterator[RuntimeEvent]:
        t0 = time.perf_counter()
        splitter = ThinkingSplitter(self.thinking_mode, keep_leading=bool(request.prefill))
        first: float | None = None
        thinking = answer = 0
        usage: dict[str, Any] = {}
        reason = "stop"
        resp: httpx.Response | None = None
        try:
            with self._client.stream("POST", f"{self.base_url}/chat/completions",
                                     json=self._body(request, candidate)) as resp:
                self._resps.add(resp)
                if resp.status_code >= 400:
                    detail = resp.read().decode("utf-8", "replace")[:300]
                    yield Error(f"model server answered HTTP {resp.status_code}: {detail}")
                    return
                for chunk in _sse_chunks(resp):
                    if self._cancel.is_set():
                        reason = "cancelled"
                        break
                    usage = chunk.get("usage") or usage
                    for choice in chunk.get("choices") or []:
                        delta = choice.get("delta") or {}
                        events: list[Any] = []
                        native = delta.get("reasoning_content") or delta.get("reasoning")
                        if native:
                            events.append(ThinkingDelta(native))
                        if delta.get("content"):
                            events.extend(splitter.feed(delta["content"]))
                        for ev in events:
                            if first is None:
                                first = time.perf_counter() - t0
                            if isinstance(ev, ThinkingDelta):
                                thinking += 1
                            else:
                                answer += 1
                            yield ev
                        if choice.get("finish_reason") == "length":
                            reason = "length"
        except (httpx.HTTPError, httpx.StreamError) as exc:
            if not self._cancel.is_set():
                yield self._unreachable(exc)
                return
            reason = "cancelled"
        finally:
            if resp is not None:
                self._resps.discard(resp)
        yield from splitter.flush()
        seconds = time.perf_counter() - t0
        n_think = thinking if not usage else _scale(usage.get("completion_tokens"), thinking, answer)
        n_gen = usage.get("completion_tokens") or (thinking + answer)
        decode_s = seconds - (first or 0.0)
        yield Usage(
            prompt_tokens=usage.get("prompt_tokens") or sum(estimate_tokens(m.content) for m in request.messages),
            thinking_tokens=n_think,
            answer_tokens=max(n_gen - n_think, 0),
            ttft_s=first if first is not None else seconds,
            tokens_per_s=n_gen / decode_s if decode_s > 0 else 0.0,
            cached_tokens=int(((usage.get("prompt_tokens_details") or {}).get("cached_tokens")) or 0),
            seconds=seconds,
        )
        yield Done(reason)

    def cancel(self) -> None:
        self._cancel.set()
        for resp in list(self._resps):
            try:
                resp.close()  # unblocks a read waiting on the server
            except Exception:  # noqa: BLE001 - closing from another thread is best effort
                pass

    def count_tokens(self, text: str) -> int:
        return estimate_tokens(text)

    def close(self) -> None:
        self._client.close()


def _scale(total: int | None, thinking: int, answer: int) -> int:
    """Split the server's completion token count by the share of thinking deltas."""
    if not total or thinking + answer == 0:
        return thinking
    return round(total * thinking / (thinking + answer))


def _sse_chunks(resp: httpx.Response) -> Iterator[dict[str, Any]]:
    for line in resp.iter_lines():
        line = line.strip()
        if not line.startswith("data:"):
            continue
        data = line[5:].strip()
        if data == "[DONE]":
            return
        try:
            yield json.loads(data)
        except json.JSONDecodeError:
            continue
