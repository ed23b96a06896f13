"""Engine-side client of the model worker process: the ``llama`` Backend."""

from __future__ import annotations

import signal
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterator

from rdebug.config import Config
from rdebug.runtime.threads import default_threads
from rdebug.errors import ModelError
from rdebug.events import (
    AnswerDelta, Error, ModelLoading, ModelProfile, ModelReady, ModelStats, RuntimeEvent, Status, ThinkingDelta,
)
from rdebug.runtime.base import GenerationRequest
from rdebug.runtime.catalog import CatalogEntry, load_catalog
from rdebug.runtime.fake import estimate_tokens
from rdebug.runtime.gguf_info import GGUFInfo, read_gguf
from rdebug.runtime.messages import (
    Batch,
    CountCmd,
    CountReply,
    EndOfStream,
    GenerateCmd,
    LoadCmd,
    RenderCmd,
    RenderReply,
    ShutdownCmd,
    WorkerOptions,
)


@dataclass
class LlamaOptions:
    """User-facing knobs (None = decide from the model and the machine)."""

    gpu_layers: int | None = None
    ctx: int | None = None
    threads: int | None = None
    threads_batch: int | None = None  # prompt processing; None: all cores
    kv_type: str = "f16"
    flash_attn: str | bool | None = "auto"  # "auto" (llama.cpp decides per device), "on", "off"
    n_batch: int = 512
    min_ctx: int = 0  # the context must hold at least this many tokens (prompt budget + max_tokens)
    repack: bool | None = None  # extra buffer types; None: on unless a crash taught otherwise, False: off
    adapt_threads: bool = True  # give cores to other busy processes while decoding (runtime/threads.py)
    parallel: int = 1  # candidates decoded together at most (the context gets that many sequences)

    @classmethod
    def from_config(cls, cfg: Config) -> "LlamaOptions":
        return cls(
            gpu_layers=cfg.gpu_layers, ctx=cfg.ctx, threads=cfg.threads, kv_type=cfg.kv_type,
            threads_batch=cfg.threads_batch,
            min_ctx=cfg.budget + cfg.max_tokens + 512,
            repack=None if getattr(cfg, "repack", True) else False,
            flash_attn=getattr(cfg, "flash_attn", "auto"),
            parallel=cfg.parallel,
        )


def kv_bytes_per_token(info: GGUFInfo, kv_type: str) -> int:
    m, arch = info.metadata, info.architecture
    layers = int(m.get(f"{arch}.block_count", 0) or 0)
    heads = m.get(f"{arch}.attention.head_count", 0) or 0
    kv_heads = m.get(f"{arch}.attention.head_count_kv", heads) or heads
    heads = max(heads) if isinstance(heads, list) else heads
    kv_heads = max(kv_heads) if isinstance(kv_heads, list) else kv_heads
    embd = int(m.get(f"{arch}.embedding_length", 0) or 0)
    head_dim = embd // heads if heads else 0
    k = int(m.get(f"{arch}.attention.key_length", head_dim) or head_dim)
    v = int(m.get(f"{arch}.attention.value_length", head_dim) or head_dim)
    per_elem = 2.0 if kv_type == "f16" else 34 / 32
    return int(layers * kv_heads * (k + v) * per_elem)


def plan_context(info: GGUFInfo, entry: CatalogEntry, opts: LlamaOptions) -> int:
    """n_ctx: the option, else the catalog's size raised to ``min_ctx``; capped by the trained context."""
    train = info.context_length or 4096
    if opts.ctx:
        return max(256, min(opts.ctx, train))
    want = max(entry.context if entry.family else 8192, opts.min_ctx)
    return max(2048, min(want, train))


def describe_exit(code: int | None) -> str:
    if code is None:
        return "no exit status"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = "unknown"
        hint = "; out of memory?" if -code == signal.SIGKILL else ""
        return f"signal {-code}, {name}{hint}"
    return f"exit code {code}"


class WorkerDied(Exception):
    def __init__(self, message: str, exitcode: int | None = None) -> None:
        super().__init__(message)
        self.exitcode = exitcode


def crash_note(exit_desc: str) -> str:
    return (f"llama.cpp crashed on this CPU with extra buffer types ({exit_desc}); "
            "retrying without them (remembered for this build and model; --no-repack forces it)")


PROMPTED_THINK_BUDGET = 768  # tokens of prompted thinking before the thought is closed (--think-budget overrides)


class LlamaBackend:
    """A GGUF model in a dedicated worker process; see ``rdebug.runtime.worker``."""

    name = "llama"

    def __init__(self, model: str | Path, options: LlamaOptions | None = None, cfg: Config | None = None) -> None:
        self.spec = str(model)
        self.options = options or (LlamaOptions.from_config(cfg) if cfg else LlamaOptions())
        self.cfg = cfg or Config(model=self.spec)
        self.entry: CatalogEntry | None = None
        self.path: Path | None = None
        self.stats: ModelStats | None = None
        self._proc: Any = None
        self._conn: Any = None
        self._cancel: Any = None
        self._lock = threading.Lock()
        self.log_path: str | None = None  # the worker's stdout/stderr
        self.worker_target: Any = None  # the worker's entry point (None: rdebug.runtime.worker.worker_main)
        self.repack: bool = True  # the setting the running worker was loaded with
        self.last_exit: int | None = None  # exit code of the last worker that died (negative: signal)
        # the kinds of decode (one sequence: False, several in one batch: True) that have run since the worker
        # loaded: the first of each kind may crash in llama.cpp's extra buffer types (AMX) where the warm-up
        # at load did not (a batch of several sequences takes other kernels)
        self._decoded: set[bool] = set()
        self._worker_opts: WorkerOptions | None = None

    # --- lifecycle -------------------------------------------------------
    @property
    def loaded(self) -> bool:
        return self.stats is not None and self._proc is not None and self._proc.is_alive()

    @property
    def worker_pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def load(self) -> Iterator[RuntimeEvent]:
        if self.loaded:
            yield ModelReady(self.stats)  # type: ignore[arg-type]
            return
        self._stop_worker()
        try:
            from rdebug.runtime.sources import ResolvedModel, resolve_steps

            resolved = None
            for step in resolve_steps(self.spec, self.cfg):
                if isinstance(step, ResolvedModel):
                    resolved = step
                else:
                    yield step
            assert resolved is not None
            info = read_gguf(resolved.path)
        except ModelError as exc:
            yield Error(exc.message, fatal=True)
            return
        from rdebug.runtime.flash import choose_flash_attn, normalize

        try:
            choose_flash_attn(self.options.flash_attn, self.options.kv_type)
        except ValueError as exc:  # --flash-attn off with a quantized KV cache
            yield Error(str(exc), fatal=True)
            return
        cat = load_catalog()
        self.path = resolved.path
        self.entry = resolved.entry if resolved.entry.family else cat.for_metadata(resolved.path, info.chat_template)
        opts = self.options
        worker_opts = WorkerOptions(
            path=str(resolved.path),
            display=self.entry.name or resolved.path.name,
            n_ctx=plan_context(info, self.entry, opts),
            threads=opts.threads or default_threads(),
            threads_batch=opts.threads_batch or default_threads(),
            n_gpu_layers=opts.gpu_layers,
            flash_attn=normalize(opts.flash_attn),
            kv_bytes_per_token=kv_bytes_per_token(info, opts.kv_type),
            n_layer=int(info.metadata.get(f"{info.architecture}.block_count", 0) or 0),
            min_ctx=opts.min_ctx or 2048,  # a smaller context after a failed allocation holds the prompt
            kv_type=opts.kv_type if opts.kv_type in ("f16", "q8_0") else "f16",
            n_batch=opts.n_batch,
            thinking_mode=self.entry.thinking,
            adapt_threads=opts.adapt_threads,
            parallel=opts.parallel,
        )
        budget = PROMPTED_THINK_BUDGET if self.entry.thinking == "prompted" else None
        yield ModelLoading(0.01, f"starting model worker for {worker_opts.display}",
                           think_default=self.entry.think_default, default_think_budget=budget)
        from rdebug.runtime.load_settings import LoadSettings

        settings = LoadSettings()
        # None: on unless a crash was remembered (then retried without on a crash); True/False: forced
        remembered = settings.get(resolved.path) if opts.repack is None else None
        repack = opts.repack if opts.repack is not None else (remembered is None or remembered.repack)
        while True:
            self._worker_opts = replace(worker_opts, repack=repack)
            died = yield from self._start_and_load(self._worker_opts, resolved.source,
                                                   retry_possible=repack and opts.repack is None)
            if died is None:
                break
            self._note_crash(settings, resolved.path, died)
            yield Status(crash_note(died))
            repack = False

    def _note_crash(self, settings: Any, path: Path, died: str) -> None:
        from rdebug.runtime.load_settings import LoadSetting

        settings.remember(path, LoadSetting(False, f"{died} with extra buffer types"))

    def _start_and_load(self, worker_opts: WorkerOptions, source: str, retry_possible: bool) -> Iterator[RuntimeEvent]:
        """Start a worker and load; returns how it died when a retry without extra buffer types may help."""
        from rdebug.runtime.worker import start_worker, worker_log_path

        self.log_path = worker_log_path()
        self.last_exit = None
        self._proc, self._conn, self._cancel = start_worker(self.log_path, self.worker_target)
        self._conn.send(LoadCmd(worker_opts))
        for ev in self._relay():
            if isinstance(ev, Error) and retry_possible and self._died_of_signal():
                return describe_exit(self.last_exit)
            if isinstance(ev, Error) and ev.fatal and self.log_path:  # the load failed: point at llama.cpp's log
                ev = replace(ev, message=f"{ev.message} (worker log: {self.log_path})")
            if isinstance(ev, ModelReady):
                budget = PROMPTED_THINK_BUDGET if self.entry.thinking == "prompted" else None
                ev.stats.profile = ModelProfile.from_entry(
                    self.entry, source, default_think_budget=budget, thinking_mode=ev.stats.profile.thinking_mode,
                    parallel_sequences=ev.stats.profile.parallel_sequences, fim=ev.stats.profile.fim)
                self.stats = ev.stats
                self.repack = worker_opts.repack
                self._decoded = set()
            yield ev
        if self.stats is None:
            self._stop_worker(keep_log=True)
        return None

    def _died_of_signal(self) -> bool:
        return self.last_exit is not None and self.last_exit < 0

    def generate(self, request: GenerationRequest) -> Iterator[RuntimeEvent]:
        if not self.loaded:
            for ev in self.load():
                yield ev
                if isinstance(ev, Error):
                    return
        if request.sampling is None and self.entry is not None:
            request = replace(request, sampling=self.entry.sampling)
        if request.think_budget is None and request.thinking and self.stats and self.stats.thinking_mode == "prompted":
            # models asked to think (not trained to) tend never to close the thought: cap it by default
            request = replace(request, think_budget=PROMPTED_THINK_BUDGET)
        self._cancel.clear()
        finished = crashed = False
        streamed = False
        kind = request.n > 1
        try:
            self._conn.send(GenerateCmd(request))
            for ev in self._relay():
                if (isinstance(ev, Error) and kind not in self._decoded and self.repack
                        and self.options.repack is None and not streamed and self._died_of_signal()):
                    crashed = True  # the first decode of its kind crashed: the warm-up at load did not catch it
                    break
                streamed = streamed or isinstance(ev, (ThinkingDelta, AnswerDelta))
                yield ev
            finished = True
        finally:
            if not finished and self._proc is not None:  # the caller stopped early: cancel and drain
                self.cancel()
                for _ in self._relay():
                    pass
        if finished:
            self._decoded.add(kind)
        if crashed and self.path is not None:
            from rdebug.runtime.load_settings import LoadSettings

            died = describe_exit(self.last_exit)
            self._note_crash(LoadSettings(), self.path, died)
            yield Status(crash_note(died))
            self.options = replace(self.options, repack=False)
            yield from self.generate(request)

    def _relay(self) -> Iterator[RuntimeEvent]:
        """Yield events until EndOfStream; a dead worker becomes an Error event."""
        try:
            while True:
                msg = self._recv()
                if isinstance(msg, EndOfStream):
                    return
                if isinstance(msg, Batch):
                    yield from msg.events
        except WorkerDied as exc:
            from rdebug.runtime.worker import log_tail

            self.last_exit = exc.exitcode
            tail = log_tail(self.log_path) if self.log_path else ""
            self._stop_worker()
            detail = f": {tail}" if tail else ""
            yield Error(f"model worker died ({exc}){detail}; the next request restarts it", fatal=False)

    def _recv(self, poll_s: float = 0.1) -> Any:
        while True:
            try:
                if self._conn.poll(poll_s):
                    return self._conn.recv()
            except (EOFError, OSError, BrokenPipeError):
                self._proc.join(2)
                raise WorkerDied(describe_exit(self._proc.exitcode), self._proc.exitcode) from None
            if not self._proc.is_alive():
                raise WorkerDied(describe_exit(self._proc.exitcode), self._proc.exitcode)

    def _request(self, cmd: Any, reply_type: type) -> Any:
        with self._lock:
            self._conn.send(cmd)
            while True:
                msg = self._recv()
                if isinstance(msg, reply_type):
                    return msg
                if isinstance(msg, Batch):
                    errors = [e for e in msg.events if isinstance(e, Error)]
                    if errors:
                        raise ModelError(errors[0].message)

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def count_tokens(self, text: str) -> int:
        if not self.loaded:
            return estimate_tokens(text)
        try:
            n = self._request(CountCmd(text), CountReply).n
        except (WorkerDied, ModelError):
            self._stop_worker()
            return estimate_tokens(text)
        return n if n >= 0 else estimate_tokens(text)

    def render(self, request: GenerationRequest) -> RenderReply:
        """The exact prompt text and tokens the worker would evaluate (tests, benchmarks)."""
        if not self.loaded:
            raise ModelError("model not loaded")
        return self._request(RenderCmd(request), RenderReply)

    def close(self) -> None:
        self._stop_worker()

    def _stop_worker(self, keep_log: bool = False) -> None:
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        self.stats = None
        if proc is None:
            return
        try:
            conn.send(ShutdownCmd())
        except (OSError, BrokenPipeError, EOFError):
            pass
        proc.join(3)
        if proc.is_alive():
            proc.kill()
            proc.join(2)
        conn.close()
        if proc.exitcode == 0 and self.log_path and not keep_log:  # keep a crashed or failed worker's log
            Path(self.log_path).unlink(missing_ok=True)
