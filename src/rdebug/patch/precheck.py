"""A static pre-check of a candidate patch, in milliseconds, before its test run (seconds).

Per changed file (its old and new text, from ``Patch.files``):

* any language with a tree-sitter grammar (and Python's own parser): the new text must parse when the
  old one did (``syntax.first_error_line``, the check ``diff.validate_patch`` makes);
* Python (``.py``; not stubs, whose forward references pyflakes does not allow): pyflakes, used as a
  library, must report no *new* undefined name: the "undefined name" messages of the old and new text
  are compared by name, so warnings the file already had never reject. Each newly undefined name is reported with its enclosing function and the names that are
  available there (parameters and locals, enclosing functions', the module's top-level names and
  imports), the most similar first;
* JavaScript (``.js``/``.mjs``/``.cjs``): ``node --check`` of the new text in a temporary file must pass
  when the old text passed (skipped when node is not installed).

A check that cannot run (pyflakes missing, node missing or hanging, an internal error) passes: the
test run still judges the patch.
"""

from __future__ import annotations

import ast
import difflib
import json
import re
import shutil
import subprocess
import tempfile
import time
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Iterator, Mapping

from rdebug.patch.diff import Patch
from rdebug.patch.syntax import first_error_line

PYTHON = {".py", ".pyi"}
NODE = {".js", ".mjs", ".cjs"}
MAX_NAMES = 8  # names listed as available in a scope
NODE_TIMEOUT_S = 10.0

Files = Mapping[str, tuple[str | None, str | None]]


@dataclass(frozen=True)
class PrecheckResult:
    ok: bool
    problems: tuple[str, ...] = ()
    seconds: float = 0.0


def precheck(root: Path, patch: Patch) -> PrecheckResult:
    """Statically check ``patch`` (nothing is written to ``root``; its ``package.json`` files tell
    whether a ``.js`` file is an ES module)."""
    return precheck_files(patch.files, root)


def precheck_files(files: Files, root: Path | None = None) -> PrecheckResult:
    """``files``: path -> (old text or None when created, new text or None when deleted), as in
    ``Patch.files``. ``root``: the repository, only read for ``package.json`` (may be None)."""
    start = time.perf_counter()
    problems: list[str] = []
    for path in sorted(files):
        old, new = files[path]
        if new is None or old == new:
            continue
        try:
            problems.extend(check_file(path, old, new, root))
        except Exception:  # a bug here must not block a fix: the test run still judges it
            continue
    return PrecheckResult(not problems, tuple(problems), time.perf_counter() - start)


def check_file(path: str, old: str | None, new: str, root: Path | None = None) -> list[str]:
    """The problems the edit from ``old`` (None: a new file) to ``new`` brings into ``path``."""
    problem = _syntax_problem(path, old, new)
    if problem:
        return [problem]
    ext = PurePosixPath(path).suffix.lower()
    if ext == ".py":  # not stubs: pyflakes does not allow their forward references
        return undefined_name_problems(path, old, new)
    if ext in NODE:
        problem = _node_problem(path, old, new, root)
        return [problem] if problem else []
    return []


# --- syntax ------------------------------------------------------------------------------------------

def _syntax_problem(path: str, old: str | None, new: str) -> str | None:
    line = first_error_line(path, new)
    if line is None or (old is not None and first_error_line(path, old) is not None):
        return None
    detail = "syntax error"
    if PurePosixPath(path).suffix.lower() in PYTHON:
        try:
            _parse(new)
        except SyntaxError as exc:
            detail, line = exc.msg or detail, exc.lineno or line
        except (ValueError, RecursionError, MemoryError):
            pass
    lines = new.splitlines()
    excerpt = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    return f"after the edits {path} no longer parses: {detail} at line {line}: {excerpt!r}"


def _parse(text: str) -> ast.Module:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences and the like
        return ast.parse(text)


# --- Python: undefined names -------------------------------------------------------------------------

@dataclass(frozen=True)
class _Undefined:
    name: str
    line: int
    col: int


@lru_cache(maxsize=8)  # the old texts of a round's files, checked again for every candidate
def _undefined(path: str, text: str) -> tuple[tuple[_Undefined, ...], ast.Module] | None:
    """pyflakes' undefined names of ``text`` (in source order) and its tree; None when it cannot tell."""
    try:
        from pyflakes import checker, messages
    except ImportError:
        return None
    try:
        tree = _parse(text)
        found = checker.Checker(tree, filename=path).messages
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    names = sorted((_Undefined(str(m.message_args[0]), m.lineno, m.col) for m in found
                    if isinstance(m, messages.UndefinedName)), key=lambda u: (u.line, u.col))
    return tuple(names), tree


def undefined_name_problems(path: str, old: str | None, new: str) -> list[str]:
    """One problem per scope of ``new`` that uses a name which is undefined after the edit and was not
    undefined anywhere in ``old`` (None: a new file, where every undefined name counts)."""
    after = _undefined(path, new)
    if after is None:
        return []
    before: set[str] = set()
    old_module: set[str] = set()
    if old is not None:
        found = _undefined(path, old)
        if found is None:
            return []  # the old text does not parse: nothing to compare with
        before = {u.name for u in found[0]}
        old_module = set(_bindings(found[1].body))
    undefined, tree = after
    fresh = [u for u in undefined if u.name not in before]
    if not fresh:
        return []
    module_names = [n for n in _bindings(tree.body) if not n.startswith("__")]
    groups: dict[tuple[int, int], tuple[list[ast.AST], list[_Undefined]]] = {}
    for u in fresh:
        chain = _scope_chain(tree, u.line, u.col)
        key = (getattr(chain[-1], "lineno", 0), getattr(chain[-1], "col_offset", 0)) if chain else (0, 0)
        groups.setdefault(key, (chain, []))[1].append(u)
    problems = []
    for chain, uses in groups.values():
        names = list(dict.fromkeys(u.name for u in uses))
        available = _available(chain, module_names, names)
        verb = "is" if len(names) == 1 else "are"
        text = f"{_and(names)} {verb} not defined {_where(chain, path, uses[0].line)}"
        removed = [n for n in names if n in old_module]
        if removed:
            text += f"; your edit removed the definition of {_and(removed)}"
        if available:
            text += f"; the names there are {', '.join(f'`{n}`' for n in available)}"
        problems.append(text)
    return problems


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _scope_chain(tree: ast.Module, line: int, col: int) -> list[ast.AST]:
    """The functions and classes enclosing (line, col), outermost first (lambdas belong to theirs)."""
    chain: list[ast.AST] = []
    body: list[ast.AST] = list(tree.body)
    while True:
        inner = next((n for n in _scope_nodes(body) if _contains(n, line, col)), None)
        if inner is None:
            return chain
        chain.append(inner)
        body = list(inner.body)


def _scope_nodes(nodes: list[ast.AST]) -> Iterator[ast.AST]:
    """Function and class definitions among ``nodes`` and inside their compound statements."""
    for node in nodes:
        if isinstance(node, _SCOPES):
            yield node
        else:
            yield from _scope_nodes(list(ast.iter_child_nodes(node)))


def _contains(node: ast.AST, line: int, col: int) -> bool:
    """Whether (line, col) lies in ``node``'s body (decorators, defaults and annotations are evaluated
    in the enclosing scope)."""
    body = node.body  # type: ignore[attr-defined]
    first, last = body[0], body[-1]
    end = (last.end_lineno or last.lineno, last.end_col_offset or 0)
    return (first.lineno, first.col_offset) <= (line, col) <= end


def _params(node: ast.AST) -> list[str]:
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return []
    a = node.args
    out = [x.arg for x in a.posonlyargs + a.args]
    out += [a.vararg.arg] if a.vararg else []
    out += [x.arg for x in a.kwonlyargs]
    out += [a.kwarg.arg] if a.kwarg else []
    return out


_OWN_SCOPE = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _bindings(body: list[ast.stmt]) -> list[str]:
    """Names bound directly in a scope's body (not inside nested functions, classes or comprehensions),
    in source order."""
    out: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, _SCOPES):
            out.append(node.name)
            return
        if isinstance(node, _OWN_SCOPE):
            return
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            out.append(node.id)
        elif isinstance(node, ast.ImportFrom) and node.module == "__future__":
            return
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            out.extend((a.asname or a.name.split(".")[0]) for a in node.names if a.name != "*")
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            out.extend(node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            out.append(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            out.append(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            out.append(node.rest)
        for child in ast.iter_child_nodes(node):
            visit(child)

    for stmt in body:
        visit(stmt)
    return list(dict.fromkeys(out))


def _available(chain: list[ast.AST], module_names: list[str], missing: list[str]) -> list[str]:
    """The names usable at the innermost scope of ``chain``: its own (parameters first), those of the
    enclosing functions (a class body's names are not visible in its methods), the module's; the most
    similar to ``missing`` first, at most MAX_NAMES."""
    names: list[str] = []
    for depth, scope in enumerate(reversed(chain)):
        if isinstance(scope, ast.ClassDef) and depth > 0:
            continue
        names += _params(scope) + _bindings(scope.body)  # type: ignore[attr-defined]
        if depth == 0 and len(chain) > 1 and isinstance(chain[-2], ast.ClassDef):
            names += _members(scope, chain[-2])
    names = [n for n in dict.fromkeys(names + module_names) if n not in missing]
    close: list[str] = []
    for name in missing:
        close += difflib.get_close_matches(name, names, n=MAX_NAMES, cutoff=0.6)
    return list(dict.fromkeys(close + names))[:MAX_NAMES]


def _members(method: ast.AST, cls: ast.ClassDef) -> list[str]:
    """``self.x`` for each name of the class body, in a method whose first parameter is ``self``/``cls``."""
    params = _params(method)
    decorators = {d.id for d in getattr(method, "decorator_list", []) if isinstance(d, ast.Name)}
    if not params or "staticmethod" in decorators:
        return []
    return [f"{params[0]}.{n}" for n in _bindings(cls.body) if not n.startswith("__")]


def _where(chain: list[ast.AST], path: str, line: int) -> str:
    if not chain:
        return f"at the top level of {path} (line {line})"
    qual = ".".join(n.name for n in chain)  # type: ignore[attr-defined]
    if isinstance(chain[-1], ast.ClassDef):
        return f"in the body of class `{qual}` in {path} (line {line})"
    return f"in `{qual}()` in {path} (line {line})"


def _and(names: list[str]) -> str:
    quoted = [f"`{n}`" for n in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


# --- JavaScript: node --check ------------------------------------------------------------------------

def _node_problem(path: str, old: str | None, new: str, root: Path | None) -> str | None:
    node = shutil.which("node")
    if node is None:
        return None
    suffixes = _node_suffixes(path, root)
    errors = [_node_check(node, path, new, s) for s in suffixes]
    if any(e is None for e in errors):
        return None
    if old is not None:
        before = [_node_check(node, path, old, s) for s in suffixes]
        ok = [i for i, e in enumerate(before) if e is None]
        if not ok:
            return None  # it failed the check before the edit too
        errors = [errors[ok[0]]]
    if errors[0] == "":  # node could not run (timeout, OSError): no verdict
        return None
    return f"after the edits {path} no longer passes `node --check`: {errors[0]}"


def _node_suffixes(path: str, root: Path | None) -> list[str]:
    """The suffixes to check ``path`` under: ``.mjs`` (an ES module), ``.cjs`` (CommonJS); a ``.js``
    file is whichever its nearest package.json's "type" says, or either when none says."""
    ext = PurePosixPath(path).suffix.lower()
    if ext != ".js":
        return [ext]
    kind = _package_type(root, path) if root is not None else None
    return [".mjs"] if kind == "module" else [".cjs"] if kind == "commonjs" else [".cjs", ".mjs"]


def _package_type(root: Path, path: str) -> str | None:
    folder = (root / path).parent
    while True:
        manifest = folder / "package.json"
        if manifest.is_file():
            try:
                data = json.loads(manifest.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            kind = data.get("type") if isinstance(data, dict) else None
            return kind if kind in ("module", "commonjs") else "commonjs"
        if folder == root or folder.parent == folder or root not in folder.parents:
            return None
        folder = folder.parent


@lru_cache(maxsize=64)
def _node_check(node: str, path: str, text: str, suffix: str) -> str | None:
    """None when ``text`` passes ``node --check`` as a ``suffix`` file; else node's error ("" when
    node could not tell)."""
    name = PurePosixPath(path).stem or "file"
    with tempfile.TemporaryDirectory(prefix="rdebug-precheck-") as tmp:
        target = Path(tmp) / f"{name}{suffix}"
        target.write_text(text, encoding="utf-8")
        try:
            done = subprocess.run([node, "--check", str(target)], capture_output=True, text=True,
                                  timeout=NODE_TIMEOUT_S, cwd=tmp)
        except (OSError, subprocess.SubprocessError):
            return ""
        if done.returncode == 0:
            return None
        return _node_error(done.stderr, str(target), text)


def _node_error(stderr: str, target: str, text: str) -> str:
    """``SyntaxError: … at line N: 'the line'`` from node's report."""
    error = next((ln.strip() for ln in stderr.splitlines() if re.match(r"\s*\w*Error\b", ln)), "")
    found = re.search(re.escape(target) + r":(\d+)", stderr)
    if not error:
        return "syntax error"
    if found is None:
        return error
    line = int(found.group(1))
    lines = text.splitlines()
    excerpt = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    return f"{error} at line {line}: {excerpt!r}"
