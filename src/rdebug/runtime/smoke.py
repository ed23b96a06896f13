"""A real few-token generation in the model worker: does llama.cpp run on this CPU, and with what?"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdebug.events import Error, ModelReady, Usage
from rdebug.runtime.base import ChatMessage, GenerationRequest, Sampling

SMOKE_TOKENS = 8
REBUILD_HINT = (
    'CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=ON" '
    "pip install --force-reinstall --no-deps --no-cache-dir llama-cpp-python==0.3.36"
)


@dataclass
class SmokeResult:
    """One generation with one load setting."""

    repack: bool  # extra buffer types on
    ok: bool
    tokens: int = 0
    tokens_per_s: float = 0.0
    crash: str | None = None  # how the worker died ("signal 4, SIGILL"), when it did
    error: str | None = None  # any other failure
    model_path: str | None = None  # the GGUF file the model name resolved to

    @property
    def setting(self) -> str:
        return "extra buffer types on" if self.repack else "extra buffer types off (--no-repack)"

    def describe(self) -> str:
        if self.ok:
            return f"ok: {self.tokens} tokens at {self.tokens_per_s:.1f} tok/s ({self.setting})"
        if self.crash:
            return f"CRASHED ({self.crash}) with {self.setting}"
        return f"FAILED with {self.setting}: {self.error}"


def smoke_generate(model: str | Path, repack: bool, threads: int | None = None,
                   tokens: int = SMOKE_TOKENS, worker_target=None) -> SmokeResult:
    """Load ``model`` with ``repack`` forced (no retry, nothing remembered) and generate ``tokens`` tokens."""
    from rdebug.runtime.llama_backend import LlamaBackend, LlamaOptions

    backend = LlamaBackend(model, LlamaOptions(ctx=1024, threads=threads, repack=repack))
    backend.worker_target = worker_target
    result = _smoke(backend, repack, tokens)
    result.model_path = str(backend.path) if backend.path else None
    return result


def _smoke(backend, repack: bool, tokens: int) -> SmokeResult:
    try:
        ready = None
        for ev in backend.load():
            if isinstance(ev, ModelReady):
                ready = ev
            elif isinstance(ev, Error):
                return _failed(backend, repack, ev.message)
        if ready is None:
            return SmokeResult(repack, False, error="the model did not load")
        greedy = Sampling(temperature=0.0, top_k=1, top_p=1.0, seed=1)
        request = GenerationRequest([ChatMessage("user", "Say hello.")], max_tokens=tokens, thinking=False,
                                    sampling=greedy)
        usage = None
        for ev in backend.generate(request):
            if isinstance(ev, Usage):
                usage = ev
            elif isinstance(ev, Error):
                return _failed(backend, repack, ev.message)
        if usage is None:
            return SmokeResult(repack, False, error="no tokens generated")
        return SmokeResult(repack, True, usage.thinking_tokens + usage.answer_tokens, usage.tokens_per_s)
    finally:
        backend.close()


def _failed(backend, repack: bool, message: str) -> SmokeResult:
    from rdebug.runtime.llama_backend import describe_exit

    if backend.last_exit is not None and backend.last_exit < 0:
        return SmokeResult(repack, False, crash=describe_exit(backend.last_exit))
    return SmokeResult(repack, False, error=message)


def smoke_check(model: str | Path, repack_allowed: bool = True, threads: int | None = None,
                worker_target=None) -> list[SmokeResult]:
    """The default setting, then (after a crash) extra buffer types off; the working one is remembered."""
    from rdebug.runtime.load_settings import LoadSetting, LoadSettings

    results = [smoke_generate(model, repack_allowed, threads, worker_target=worker_target)]
    if repack_allowed and results[0].crash:
        results.append(smoke_generate(model, False, threads, worker_target=worker_target))
        if results[-1].ok and results[-1].model_path:
            LoadSettings().remember(results[-1].model_path,
                                    LoadSetting(False, f"{results[0].crash} with extra buffer types"))
    elif repack_allowed and results[0].ok and results[0].model_path:
        LoadSettings().remember(results[0].model_path, LoadSetting(True, "rdebug doctor: ok"))
    return results
