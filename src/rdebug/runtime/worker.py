"""The model worker process: owns the ``Llama`` and serves load/generate/count commands over a Pipe.

Started with the multiprocessing "spawn" context by ``LlamaBackend``; the model stays loaded across
turns. Nothing here runs in the engine process except ``start_worker``.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from dataclasses import replace
from typing import Any

from rdebug.events import Error, ModelLoading, ModelProfile, ModelReady, ModelStats, Status
from rdebug.runtime.flash import ENABLED, FlashChoice, choose_flash_attn
from rdebug.runtime.loaded import Loaded, fim_tokens
from rdebug.runtime.loadlog import LoadLog, capture, describe_offload
from rdebug.runtime.offload import (
    AllocationFailed, LoadAttempt, LoadFailed, fallback_attempts, load_with_fallback, plan_offload,
)
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

GGML_TYPES = {"f16": 1, "q8_0": 8}
_FALLBACK_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def worker_log_path() -> str:
    """Where the worker's stdout/stderr (llama.cpp logs, crash messages) go: never the user's terminal."""
    from platformdirs import user_cache_dir

    path = os.path.join(user_cache_dir("rdebug"), f"worker-{os.getpid()}.log")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def log_tail(path: str, lines: int = 3) -> str:
    """The last meaningful lines of a worker log (e.g. a GGML_ASSERT), for a crash message."""
    try:
        with open(path, "rb") as fh:
            fh.seek(max(0, os.path.getsize(path) - 8192))
            text = fh.read().decode("utf-8", "replace")
    except OSError:
        return ""
    keep = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith(("#", "[", "warning:"))]
    hits = [ln for ln in keep if "GGML_ASSERT" in ln or "error" in ln.lower() or "Error" in ln]
    return " | ".join((hits or keep)[-lines:])[:400]


def start_worker(log_path: str | None = None, target: Any = None) -> tuple[mp.process.BaseProcess, Any, Any]:
    """Spawn a worker; returns (process, engine end of the pipe, cancel Event).

    ``target``: the worker's entry point (``worker_main``; tests pass a wrapper that simulates crashes).
    """
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=True)
    cancel = ctx.Event()
    proc = ctx.Process(
        target=target or worker_main, args=(child, cancel, log_path), name="rdebug-model-worker", daemon=True
    )
    # spawn re-imports the parent's __main__ from its file; hide a pseudo file (python -, python -c, REPL)
    main = sys.modules.get("__main__")
    main_file = getattr(main, "__file__", None)
    hide = main_file is not None and not os.path.exists(main_file)
    if hide:
        del main.__file__
    try:
        proc.start()
    finally:
        if hide:
            main.__file__ = main_file
    child.close()
    return proc, parent, cancel


def _exit_with_parent(interval_s: float = 0.5) -> None:
    """End this worker when the engine process dies (killed mid-generation, it never says goodbye)."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(interval_s)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="rdebug-parent-watch", daemon=True).start()


def worker_main(conn: Any, cancel: Any, log_path: str | None = None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the engine's: it cancels through ``cancel``
    _exit_with_parent()
    if log_path:  # llama.cpp writes to fds 1 and 2 directly: keep it off the user's terminal
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
    state: Loaded | None = None
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if isinstance(msg, ShutdownCmd):
                return
            if isinstance(msg, LoadCmd):
                state = load_model(msg.options, conn)
            elif isinstance(msg, GenerateCmd):
                if state is None:
                    raise RuntimeError("no model loaded")
                if msg.request.continuations:
                    from rdebug.runtime.choice import run_continuations

                    run_continuations(state, msg, conn, cancel)
                elif msg.request.choices:
                    from rdebug.runtime.choice import run_choice

                    run_choice(state, msg, conn, cancel)
                elif msg.request.n > 1:
                    from rdebug.runtime.parallel import run_parallel

                    run_parallel(state, msg, conn, cancel)
                else:
                    from rdebug.runtime.generation import run_generation

                    run_generation(state, msg, conn, cancel)
            elif isinstance(msg, CountCmd):
                n = len(state.llm.tokenize(msg.text.encode("utf-8"), add_bos=False, special=True)) if state else -1
                conn.send(CountReply(n))
                continue
            elif isinstance(msg, RenderCmd):
                from rdebug.runtime.generation import render_prompt

                prompt, tokens, _ = render_prompt(state, msg.request, {})
                conn.send(RenderReply(prompt, tokens))
                continue
        except (BrokenPipeError, EOFError):
            return
        except Exception as exc:  # report, keep serving
            if isinstance(msg, CountCmd):
                conn.send(CountReply(-1))
                continue
            text = f"{exc}" if isinstance(exc, LoadFailed) else f"{type(exc).__name__}: {exc}"
            text = f"model worker: {text}"
            conn.send(Batch([Error(text, fatal=isinstance(msg, LoadCmd))]))
        conn.send(EndOfStream())


def mem_available() -> int | None:
    """Bytes of memory available (Linux /proc/meminfo), else None."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def fit_context(size: int, kv_per_token: int, n_ctx: int, available: int | None, floor: int = 4096) -> int:
    """Shrink ``n_ctx`` until weights + KV cache fit in ``available``; 0 when even ``floor`` does not."""
    if available is None or kv_per_token <= 0:
        return n_ctx
    budget = int(available * 0.9) - size - (256 << 20)
    if budget <= 0:
        return 0
    fits = budget // kv_per_token
    if fits >= n_ctx:
        return n_ctx
    return (fits // 256) * 256 if fits >= min(floor, n_ctx) else 0


WARM_UP_TOKENS = 16


def warm_up(llm: Any) -> None:
    """Evaluate a short batch and a single token, then forget them.

    A build that cannot run on this CPU (AMX with repacked weights) dies here, while loading, where
    the engine can retry with another setting, instead of in the user's first request.
    """
    tokens = llm.tokenize(b"def warm_up(x):\n    return x + 1\n" * 4, add_bos=False, special=False)
    tokens = tokens[:WARM_UP_TOKENS] or [0]
    llm.eval(tokens)
    llm.eval(tokens[:1])
    llm.reset()


def plan_attempts(opts: WorkerOptions, gpu: bool, devices: Any = None) -> list[LoadAttempt]:
    """The loads to try, best first: the VRAM plan, then fewer layers, a smaller context, the CPU.

    ``devices``: returns the devices llama.cpp sees (``gpu.list_devices``; tests pass their own).
    """
    from rdebug.runtime.gpu import free_gpu_memory, list_devices

    size = os.path.getsize(opts.path)
    requested = (opts.n_gpu_layers if opts.n_gpu_layers is not None else -1) if gpu else 0
    cpu_ctx = fit_context(size, opts.kv_bytes_per_token, opts.n_ctx, mem_available())
    if requested < 0:  # all layers asked for: check them against the free memory first
        free, name = free_gpu_memory((devices or list_devices)())
        first = plan_offload(size, opts.n_layer, opts.kv_bytes_per_token, opts.n_ctx, requested, free, name)
    else:
        first = LoadAttempt(requested, opts.n_ctx)
    if not first.on_gpu:
        if cpu_ctx == 0:
            avail = mem_available() or 0
            raise MemoryError(
                f"{opts.display} needs about {size / 2**30:.1f} GiB for weights plus its KV cache, "
                f"but only {avail / 2**30:.1f} GiB of memory is available; pick a smaller model"
            )
        return [replace(first, n_ctx=cpu_ctx)]
    return fallback_attempts(first, opts.n_layer, min(opts.min_ctx, opts.n_ctx), cpu_ctx)


def construct(llama_cpp: Any, opts: WorkerOptions, attempt: LoadAttempt, flash: FlashChoice) -> tuple[Any, LoadLog]:
    """``llama_cpp.Llama`` for one attempt, with llama.cpp's log captured and the flash attention type set.

    An allocation failure raises ``AllocationFailed`` (the next attempt may fit); any other failure
    ``LoadFailed`` with llama.cpp's own error line.
    """
    from llama_cpp import llama_cpp as C

    init = C.llama_init_from_model

    def init_with_flash(model: Any, params: Any) -> Any:  # the binding knows only on/off
        params.flash_attn_type = flash.type
        if opts.parallel > 1:  # candidates share the prompt's cells: one cache for all sequences
            params.n_seq_max, params.kv_unified = opts.parallel, True
        return init(model, params)

    C.llama_init_from_model = init_with_flash
    failure = None
    try:
        with capture() as log:
            try:
                llm = llama_cpp.Llama(
                    model_path=opts.path,
                    n_gpu_layers=attempt.gpu_layers,
                    n_ctx=attempt.n_ctx,
                    n_batch=opts.n_batch,
                    n_ubatch=opts.n_batch,
                    n_threads=opts.threads,
                    n_threads_batch=opts.threads_batch or opts.threads,
                    flash_attn=flash.type == ENABLED,
                    type_k=GGML_TYPES[opts.kv_type],
                    type_v=GGML_TYPES[opts.kv_type],
                    logits_all=False,
                    verbose=False,
                )
            except ValueError as exc:  # "Failed to load model from file", "Failed to create llama_context"
                failure = str(exc)
    finally:
        C.llama_init_from_model = init
    if failure is None:
        return llm, log
    gc.collect()  # the half-built Llama holds device buffers: free them before the next attempt
    if log.alloc_failure:
        raise AllocationFailed(log.alloc_failure)
    reason = log.reason()
    raise LoadFailed(f"could not load {opts.display}: {failure}" + (f" (llama.cpp: {reason})" if reason else ""))


def load_model(opts: WorkerOptions, conn: Any) -> Loaded:
    t0 = time.perf_counter()
    conn.send(Batch([ModelLoading(0.02, "starting llama.cpp")]))
    try:
        import llama_cpp
    except (ImportError, OSError, RuntimeError) as exc:  # e.g. a CUDA build without the NVIDIA driver
        from rdebug.runtime.gpu import explain_import_error

        raise LoadFailed(explain_import_error(exc)) from None
    from llama_cpp import llama_cpp as C
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    gpu = bool(llama_cpp.llama_supports_gpu_offload())
    flash = choose_flash_attn(opts.flash_attn, opts.kv_type)
    attempts = plan_attempts(opts, gpu)
    last = [0.0]

    def on_progress(progress: float, _data: Any) -> bool:
        if progress - last[0] >= 0.05 or progress >= 1.0:
            last[0] = progress
            conn.send(Batch([ModelLoading(0.05 + 0.9 * progress, f"loading {opts.display}")]))
        return True

    def notify(text: str) -> None:
        last[0] = 0.0
        conn.send(Batch([Status(text)]))

    progress_cb = C.llama_progress_callback(on_progress)
    original = C.llama_model_default_params

    def params_with_progress() -> Any:
        params = original()
        params.progress_callback = progress_cb
        params.use_extra_bufts = opts.repack
        return params

    C.llama_model_default_params = params_with_progress
    try:
        (llm, log), attempt, notes = load_with_fallback(
            attempts, lambda a: construct(llama_cpp, opts, a, flash), notify, opts.n_layer)
    finally:
        C.llama_model_default_params = original
    model = llm._model
    bos, eos = model.token_bos(), model.token_eos()
    bos_text = model.token_get_text(bos) if bos != -1 else ""
    eos_text = model.token_get_text(eos) if eos != -1 else ""
    template = llm.metadata.get("tokenizer.chat_template") or _FALLBACK_TEMPLATE
    formatter = Jinja2ChatFormatter(template=template, eos_token=eos_text, bos_token=bos_text)
    state = Loaded(llm, opts, formatter, bos_text, bool(model.add_bos_token()), llm.n_ctx(),
                   n_seq=int(C.llama_n_seq_max(llm.ctx)))
    if opts.adapt_threads:
        from rdebug.runtime.threads import CpuShare

        state.cpu_share = CpuShare(opts.threads)
    state.abort_cb = C.ggml_abort_callback(lambda _data: False)
    state.null_cb = C.ggml_abort_callback()
    conn.send(Batch([ModelLoading(0.97, "checking that llama.cpp runs on this CPU")]))
    warm_up(llm)
    offload = describe_offload(log, C.llama_model_n_layer(model.model))
    stats = ModelStats(
        model=opts.display,
        path=opts.path,
        backend=offload.backend,
        gpu_layers=offload.layers,
        n_ctx=state.n_ctx,
        n_ctx_train=model.n_ctx_train(),
        threads=opts.threads,
        load_s=time.perf_counter() - t0,
        profile=ModelProfile(thinking_mode=opts.thinking_mode, parallel_sequences=state.n_seq,
                             fim=fim_tokens(llm) is not None),
        device=offload.device,
        gpu_layers_total=offload.total,
        extra={
            "flash_attn": flash.name,
            "flash_attn_reason": flash.reason,
            "flash_attn_resolved": log.flash_attn,
            "kv_type": opts.kv_type,
            "n_batch": opts.n_batch,
            "chat_template": "gguf" if llm.metadata.get("tokenizer.chat_template") else "fallback chatml",
            "llama_cpp_python": getattr(llama_cpp, "__version__", "?"),
            "repack": opts.repack,
            "pid": os.getpid(),
            "offload_notes": notes,
            "requested_gpu_layers": attempt.gpu_layers,
        },
    )
    conn.send(Batch([ModelReady(stats)]))
    return state


if __name__ == "__main__":  # pragma: no cover
    sys.exit("rdebug.runtime.worker is started by LlamaBackend")
