"""The openai backend against llama-cpp-python's bundled server running SmolLM2 (started here)."""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time

import httpx
import pytest

from rdebug.events import AnswerDelta, Done, ModelReady, ThinkingDelta, Usage
from rdebug.runtime.base import ChatMessage, GenerationRequest, Sampling
from rdebug.runtime.openai_backend import OpenAIBackend

pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(
        importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("sse_starlette") is None,
        reason="needs llama-cpp-python[server]",
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# llama_cpp.server without llama.cpp's extra buffer types: with them a native build crashes at the first
# decode on CPUs with AMX (the server has no option for it; rdebug's own worker falls back by itself)
SERVER = """
import sys
from llama_cpp import llama_cpp as C
original = C.llama_model_default_params
def params():
    p = original(); p.use_extra_bufts = False; return p
C.llama_model_default_params = params
from llama_cpp.server.__main__ import main
sys.argv = ["llama_cpp.server", *sys.argv[1:]]
main()
"""


@pytest.fixture(scope="module")
def server(smollm2):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, "--model", str(smollm2), "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "2048", "--n_threads", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"llama_cpp.server exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/models", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("llama_cpp.server did not start in 90 s")
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_stream_against_bundled_server(server):
    b = OpenAIBackend(server)
    assert isinstance(list(b.load())[-1], ModelReady)
    req = GenerationRequest([ChatMessage("user", "Say hello.")], max_tokens=16,
                            sampling=Sampling(temperature=0.0, top_p=1.0, top_k=1, seed=1))
    events = list(b.generate(req))
    text = "".join(e.text for e in events if isinstance(e, (ThinkingDelta, AnswerDelta)))
    assert text.strip()
    assert any(isinstance(e, Usage) for e in events)
    assert isinstance(events[-1], Done)
    b.close()
