"""Swap whole definitions from a code block into a file, matched by (qualified) name."""

from __future__ import annotations

import textwrap

from rdebug.patch.locate import LocateError
from rdebug.patch.syntax import Definition, definitions, language_for


def _match(defn: Definition, targets: list[Definition]) -> Definition | None:
    exact = [t for t in targets if t.name == defn.name]
    if len(exact) == 1:
        return exact[0]
    short = defn.name.rsplit(".", 1)[-1]
    by_short = [t for t in targets if t.name.rsplit(".", 1)[-1] == short]
    return by_short[0] if len(by_short) == 1 else None


def defined_names(path: str, block: str) -> list[str]:
    return [d.name for d in definitions(path, block)]


def replace_definitions(path: str, text: str, block: str, label: str = "code block") -> str:
    """``text`` with each definition of ``block`` replacing the same-named one (re-indented)."""
    if language_for(path) is None:
        raise LocateError(f"{label}: cannot match whole definitions in {path}; use SEARCH/REPLACE blocks")
    new_defs = definitions(path, block)
    if not new_defs:
        raise LocateError(f"{label} defines no function; use SEARCH/REPLACE blocks")
    # "the original function, then the corrected one" in one block: the last definition of a name wins
    last = {d.name: d for d in new_defs}
    new_defs = [d for d in new_defs if last[d.name] is d]
    block_lines = block.split("\n")
    lines = text.split("\n")
    targets = definitions(path, text)
    replacements: list[tuple[Definition, list[str]]] = []
    for nd in new_defs:
        target = _match(nd, targets)
        if target is None:
            raise LocateError(f"{label}: {path} has no single definition named {nd.name}; use SEARCH/REPLACE blocks")
        if lines[target.start_line][: target.column].strip():
            raise LocateError(f"{label}: {nd.name} in {path} shares its line with other code; use SEARCH/REPLACE")
        body = textwrap.dedent("\n".join(block_lines[nd.start_line : nd.end_line + 1])).split("\n")
        indent = lines[target.start_line][: target.column]
        replacements.append((target, [indent + ln if ln.strip() else ln for ln in body]))
    spans = sorted(replacements, key=lambda r: r[0].start_line, reverse=True)
    for (a, _), (b, _) in zip(spans, spans[1:]):
        if b.end_line >= a.start_line:
            raise LocateError(f"{label} replaces overlapping definitions ({a.name}, {b.name})")
    for target, new in spans:
        lines[target.start_line : target.end_line + 1] = new
    return "\n".join(lines)
