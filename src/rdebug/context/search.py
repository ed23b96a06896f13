"""Finding candidate files by text, without reading the whole repository in Python."""

from __future__ import annotations

import atexit
import os
import re
import subprocess
import time
from pathlib import Path
from stat import S_ISREG

from rdebug.context.languages import EXTENSIONS, is_source

SKIP_DIRS = {".git", "node_modules", "__pycache__", ".venv", "venv", "env", "build", "dist", "target",
             ".tox", ".mypy_cache", ".pytest_cache", ".idea", ".vscode", "vendor", ".hg", ".svn"}
_GLOBS = [f"*{ext}" for ext in EXTENSIONS]


def definition_pattern(names: list[str], c_like: bool = True) -> str:
    """A POSIX ERE matching a definition line of any of ``names``.

    Keyword forms (def/class/function/func/fn/...) always; with ``c_like`` also typed and method forms
    (``int f(``, ``f(...) {``, ``f = (``) that Java, C, C++ and JavaScript need but which also match calls.
    """
    alt = "|".join(re.escape(n) for n in names)
    end = "([^[:alnum:]_]|$)"
    keyword = (r"(def|class|function|func|fn|struct|interface|trait|enum|type|record)[[:space:]]+"
               r"(\([^)]*\)[[:space:]]*)?\**")
    pattern = f"{keyword}({alt}){end}"
    if not c_like:
        return pattern
    typed = r"[[:alnum:]_>*&][[:space:]]+[*&]*"  # int f(, void *f(, Foo<T> f(
    assign = r"[[:space:]]*(=|:)[[:space:]]*(async[[:space:]]*)?(function|\()"
    method = r"^[[:space:]]*(static[[:space:]]+|async[[:space:]]+|pub[[:space:]]+)*"
    return (f"{pattern}|{typed}({alt})[[:space:]]*\\(|({alt}){assign}"
            f"|{method}({alt})[[:space:]]*\\([^)]*\\)[[:space:]]*\\{{")


class GrepTimeout(Exception):
    """A text search ran out of its time budget."""


_PCRE_OK = [True]  # git builds without PCRE fall back to the (slower) POSIX ERE engine
_JOBS: dict[tuple, subprocess.Popen] = {}  # searches that outlived their budget, still running


@atexit.register
def _stop_jobs() -> None:
    for proc in _JOBS.values():
        proc.kill()
    _JOBS.clear()


def git_grep(root: Path, pattern: str, fixed: bool = False, timeout: float = 5.0,
             pathspecs: list[str] | None = None) -> list[str] | None:
    """Tracked source files matching ``pattern`` (a regex, or a fixed string); None if git grep is unusable.

    Uses PCRE (much faster) when git has it. Raises GrepTimeout after ``timeout`` seconds; the search
    keeps running and the next identical call in this process collects its result.
    """
    deadline = time.perf_counter() + timeout
    specs = pathspecs if pathspecs is not None else _GLOBS
    while True:
        mode = "-F" if fixed else "-P" if _PCRE_OK[0] else "-E"
        key = (str(root), mode, pattern, tuple(specs))
        proc = _JOBS.pop(key, None)
        try:
            if proc is None:
                proc = subprocess.Popen(
                    ["git", "-C", str(root), "grep", "-l", "-I", "--no-color", mode, "-e", pattern, "--", *specs],
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                    env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"})
            out, _ = proc.communicate(timeout=max(deadline - time.perf_counter(), 0.01))
        except subprocess.TimeoutExpired as exc:
            _JOBS[key] = proc
            raise GrepTimeout(pattern) from exc
        except OSError:
            return None
        if mode == "-P" and proc.returncode not in (0, 1):
            _PCRE_OK[0] = False
            continue
        if proc.returncode not in (0, 1):
            return None
        return [line for line in out.splitlines() if line and (pathspecs is None or is_source(line))]


def walk_grep(root: Path, regex: re.Pattern[str], budget_s: float = 0.6, top: str = "") -> list[str]:
    """Source files under ``root/top`` matching ``regex`` (outside git); GrepTimeout after ``budget_s``."""
    deadline = time.perf_counter() + budget_s
    hits: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root / top if top else root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
        for fn in filenames:
            if not is_source(fn):
                continue
            full = os.path.join(dirpath, fn)
            try:
                st = os.stat(full)
                if not S_ISREG(st.st_mode) or st.st_size > 1_000_000:
                    continue  # a FIFO would block the open below
                with open(full, "rb") as fh:
                    text = fh.read().decode("utf-8", errors="replace")
            except OSError:
                continue
            if regex.search(text):
                hits.append(os.path.relpath(full, root).replace(os.sep, "/"))
            if time.perf_counter() > deadline:
                raise GrepTimeout(regex.pattern)
    return hits


def files_ending_with(root: Path, suffix: str, is_git: bool, budget_s: float = 0.3) -> list[str]:
    """Repository files whose path ends with ``suffix`` (e.g. ``com/acme/CalcTest.java``)."""
    if is_git:
        try:
            out = subprocess.run(["git", "-C", str(root), "ls-files", "--", f"*{suffix}"], capture_output=True,
                                 text=True, timeout=budget_s * 5).stdout
            return [p for p in out.splitlines() if p == suffix or p.endswith("/" + suffix)]
        except (OSError, subprocess.TimeoutExpired):
            return []
    name = suffix.rsplit("/", 1)[-1]
    deadline = time.perf_counter() + budget_s
    hits = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
        if name in filenames:
            rel = os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/")
            if rel == suffix or rel.endswith("/" + suffix):
                hits.append(rel)
        if time.perf_counter() > deadline:
            break
    return hits


def python_regex(ere: str) -> re.Pattern[str]:
    """The ERE from :func:`definition_pattern` as a Python regex."""
    return re.compile(ere.replace("[:space:]", r"\s").replace("[:alnum:]", "a-zA-Z0-9"), re.M)


def closeness(a: str, b: str) -> int:
    """How many leading directories two repo paths share."""
    n = 0
    for x, y in zip(a.split("/")[:-1], b.split("/")[:-1]):
        if x != y:
            break
        n += 1
    return n
