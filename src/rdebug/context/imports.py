"""Which repository files a source file imports (cheap regexes, no parse): where callees likely live."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Callable

Exists = Callable[[str], bool]

_PY_FROM = re.compile(r"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+\(?([^)\n#]*)", re.M)
_PY_IMPORT = re.compile(r"^[ \t]*import[ \t]+([\w.]+(?:[ \t]*,[ \t]*[\w.]+)*)", re.M)
_JS_FROM = re.compile(r"""(?:from|require\(|import\()\s*['"](\.{1,2}/[^'"]+)['"]""")
_JS_NAMES = re.compile(r"""import\s*\{([^}]*)\}\s*from\s*['"](\.{1,2}/[^'"]+)['"]""")
_C_INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*"([^"]+)"', re.M)
_RS_MOD = re.compile(r"^[ \t]*(?:pub(?:\([^)]*\))?[ \t]+)?mod[ \t]+(\w+)[ \t]*;", re.M)
_RS_USE = re.compile(r"^[ \t]*(?:pub[ \t]+)?use[ \t]+(crate|super|self)::([\w:]+)", re.M)
_JAVA_IMPORT = re.compile(r"^[ \t]*import[ \t]+(?:static[ \t]+)?([\w.]+)[ \t]*;", re.M)
_JAVA_PACKAGE = re.compile(r"^[ \t]*package[ \t]+([\w.]+)[ \t]*;", re.M)
_GO_IMPORT = re.compile(r'"([\w./-]+)"')

_JS_EXT = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs")


def _norm(p: PurePosixPath) -> str | None:
    parts: list[str] = []
    for part in p.parts:
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)


def _first(cands: list[str], exists: Exists) -> str | None:
    return next((c for c in cands if c and exists(c)), None)


def python_module_file(rel: str, dots: str, mod: str, exists: Exists) -> str | None:
    """The repository file of module ``mod`` imported from ``rel`` (``dots``: the relative prefix)."""
    here = PurePosixPath(rel).parent
    tail = mod.replace(".", "/")
    if dots:
        pkg = here
        for _ in range(len(dots) - 1):
            pkg = pkg.parent
        roots = [pkg]
    else:
        roots = [PurePosixPath(".")] + [PurePosixPath(*here.parts[:i]) for i in range(1, len(here.parts) + 1)]
        if not exists("src/__init__.py"):
            roots.append(PurePosixPath("src"))
    for base in roots:
        stem = base / tail if tail else base
        hit = _first([_norm(PurePosixPath(f"{stem}.py")) or "", _norm(stem / "__init__.py") or ""], exists)
        if hit:
            return hit
    return None


def _python(rel: str, text: str, exists: Exists) -> list[tuple[str, set[str]]]:
    def module_file(dots: str, mod: str) -> str | None:
        return python_module_file(rel, dots, mod, exists)

    out: list[tuple[str, set[str]]] = []
    for dots, mod, names in _PY_FROM.findall(text):
        imported = {n.split(" as ")[0].strip() for n in names.split(",") if n.strip() and n.strip() != "*"}
        target = module_file(dots, mod)
        if target:
            out.append((target, imported))
        for name in imported:  # `from pkg import module`
            sub = module_file(dots, f"{mod}.{name}" if mod else name)
            if sub:
                out.append((sub, set()))
    for group in _PY_IMPORT.findall(text):
        for mod in group.split(","):
            target = module_file("", mod.strip())
            if target:
                out.append((target, set()))
    return out


def _javascript(rel: str, text: str, exists: Exists) -> list[tuple[str, set[str]]]:
    here = PurePosixPath(rel).parent
    names: dict[str, set[str]] = {}
    for group, spec in _JS_NAMES.findall(text):
        names.setdefault(spec, set()).update(n.split(" as ")[0].strip() for n in group.split(",") if n.strip())
    out = []
    for spec in dict.fromkeys(_JS_FROM.findall(text)):
        base = _norm(here / spec)
        if base is None:
            continue
        cands = [base] + [base + e for e in _JS_EXT] + [f"{base}/index{e}" for e in _JS_EXT]
        if base.endswith(".js"):  # TypeScript sources imported as .js
            cands += [base[:-3] + ".ts", base[:-3] + ".tsx"]
        hit = _first(cands, exists)
        if hit:
            out.append((hit, names.get(spec, set())))
    return out


def _c(rel: str, text: str, exists: Exists) -> list[tuple[str, set[str]]]:
    here = PurePosixPath(rel).parent
    out = []
    for inc in _C_INCLUDE.findall(text):
        for base in (here, PurePosixPath("include"), PurePosixPath(".")):
            hit = _first([_norm(base / inc) or ""], exists)
            if hit:
                out.append((hit, set()))
                stem = hit.rsplit(".", 1)[0]
                impl = _first([stem + e for e in (".c", ".cc", ".cpp", ".cxx")], exists)
                if impl:
                    out.append((impl, set()))
                break
    return out


def _rust(rel: str, text: str, exists: Exists) -> list[tuple[str, set[str]]]:
    here = PurePosixPath(rel).parent
    out = []
    for mod in _RS_MOD.findall(text):
        hit = _first([_norm(here / f"{mod}.rs") or "", _norm(here / mod / "mod.rs") or ""], exists)
        if hit:
            out.append((hit, set()))
    src = PurePosixPath(rel.split("/src/")[0] + "/src") if "/src/" in rel else PurePosixPath("src")
    for anchor, path in _RS_USE.findall(text):
        parts = path.split("::")
        base = src if anchor == "crate" else here.parent if anchor == "super" else here
        for i in range(len(parts), 0, -1):
            stem = base.joinpath(*parts[:i])
            hit = _first([_norm(PurePosixPath(f"{stem}.rs")) or "", _norm(stem / "mod.rs") or ""], exists)
            if hit:
                out.append((hit, set(parts[i:i + 1])))
                break
    return out


def _java(rel: str, text: str, exists: Exists) -> list[tuple[str, set[str]]]:
    m = _JAVA_PACKAGE.search(text)
    here = PurePosixPath(rel).parent
    pkg_depth = len(m.group(1).split(".")) if m else 0
    src_root = PurePosixPath(*here.parts[: len(here.parts) - pkg_depth]) if pkg_depth <= len(here.parts) else here
    roots = {src_root}
    for sibling in ("main/java", "test/java"):  # src/test/java code imports src/main/java classes
        if "/test/java" in f"/{src_root}" or "/main/java" in f"/{src_root}":
            roots.add(PurePosixPath(str(src_root).rsplit("/", 2)[0]) / sibling)
    out = []
    for imp in _JAVA_IMPORT.findall(text):
        parts = imp.split(".")
        for i in range(len(parts), 0, -1):
            hit = _first([_norm(r.joinpath(*parts[:i - 1], parts[i - 1] + ".java")) or "" for r in roots], exists)
            if hit:
                out.append((hit, set(parts[i:i + 1])))
                break
    return out


def _go(rel: str, text: str, exists: Exists, module: str | None) -> list[tuple[str, set[str]]]:
    if not module:
        return []
    head = text.split(")", 1)[0] if "import (" in text else text[:2000]
    return [(p[len(module):].strip("/") + "/", set()) for p in _GO_IMPORT.findall(head)
            if p == module or p.startswith(module + "/")]


def imported_files(rel: str, text: str, lang: str, exists: Exists, go_module: str | None = None
                   ) -> list[tuple[str, set[str]]]:
    """(repo file, names imported from it) for each in-repo import; Go packages come back as 'dir/'."""
    if lang == "python":
        found = _python(rel, text, exists)
    elif lang in ("javascript", "typescript", "tsx"):
        found = _javascript(rel, text, exists)
    elif lang in ("c", "cpp"):
        found = _c(rel, text, exists)
    elif lang == "rust":
        found = _rust(rel, text, exists)
    elif lang == "java":
        found = _java(rel, text, exists)
    elif lang == "go":
        found = _go(rel, text, exists, go_module)
    else:
        found = []
    merged: dict[str, set[str]] = {}
    for path, names in found:
        if path != rel:
            merged.setdefault(path, set()).update(names)
    return list(merged.items())
