"""Turn parsed edits into a validated Patch against the working tree (nothing is written)."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from rdebug.errors import PatchError
from rdebug.patch.diff import Patch, make_patch, sha256_bytes, validate_patch
from rdebug.patch.functions import defined_names, replace_definitions
from rdebug.patch.locate import LocateError, locate, replace_once
from rdebug.patch.edits import strip_numbers
from rdebug.patch.endings import restore_endings
from rdebug.patch.model import Edit
from rdebug.patch.safety import UnsafePathError, check_target, normalize


@dataclass
class BuildResult:
    patch: Patch | None
    problems: list[str] = field(default_factory=list)


@dataclass
class _File:
    text: str | None  # "\n" newlines (written back with each line's own ending: patch/endings.py)
    raw: bytes | None
    mode: int = 0o100644


class _Tree:
    """Lazily read working-tree files; edited contents kept in memory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, _File] = {}

    def get(self, rel: str) -> _File:
        if rel not in self.files:
            target = check_target(self.root, rel)
            if target.exists():
                raw = target.read_bytes()
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    raise UnsafePathError(f"{rel}: not UTF-8 text; only text files can be edited") from None
                mode = 0o100755 if os.access(target, os.X_OK) else 0o100644
                self.files[rel] = _File(text.replace("\r\n", "\n"), raw, mode)
            else:
                self.files[rel] = _File(None, None)
        return self.files[rel]


def _defines(tree: _Tree, edit: Edit, rel: str) -> bool:
    """Whether ``rel`` has a definition for every function the code block defines."""
    try:
        text = tree.get(normalize(rel)).text
    except PatchError:
        return False
    names = {n.rsplit(".", 1)[-1] for n in defined_names(rel, edit.replace)}
    return text is not None and bool(names) and names <= {n.rsplit(".", 1)[-1] for n in defined_names(rel, text)}


def _infer_path(tree: _Tree, edit: Edit, candidates: Sequence[str]) -> str | None:
    hits = []
    for rel in candidates:
        try:
            text = tree.get(normalize(rel)).text
        except PatchError:
            continue
        if text is None:
            continue
        if edit.kind == "function":
            names = {n.rsplit(".", 1)[-1] for n in defined_names(rel, edit.replace)}
            if names and names <= {n.rsplit(".", 1)[-1] for n in defined_names(rel, text)}:
                hits.append(rel)
            elif not names and edit.lines and _span_ratio(text, edit) >= SPAN_SIMILARITY:
                hits.append(rel)
        elif edit.search.strip():
            try:
                locate(text, edit.search)
                hits.append(rel)
            except LocateError:
                pass
    return hits[0] if len(hits) == 1 else None


SPAN_SIMILARITY = 0.6  # how close a numbered fragment must stay to the lines it claims to replace


def _span_ratio(text: str, edit: Edit) -> float:
    first, last = edit.lines or (0, 0)
    lines = text.split("\n")
    if first < 1 or last > len(lines) or last < first:
        return 0.0
    old = "\n".join(ln.strip() for ln in lines[first - 1:last])
    new = "\n".join(ln.strip() for ln in edit.replace.rstrip("\n").split("\n"))
    return difflib.SequenceMatcher(None, old, new, autojunk=False).ratio()


def replace_span(text: str, edit: Edit, rel: str, label: str) -> str:
    """A fragment copied with the prompt's line numbers (not a whole definition) replaces the lines it
    names, when it still resembles them (the numbers come from our listing of the unchanged file)."""
    first, last = edit.lines or (0, 0)
    if _span_ratio(text, edit) < SPAN_SIMILARITY:
        raise LocateError(f"{label}: lines {first}-{last} of {rel} do not match the code shown there; give "
                          "the complete function instead")
    lines = text.split("\n")
    lines[first - 1:last] = edit.replace.rstrip("\n").split("\n")
    return "\n".join(lines)


def _apply_edit(current: str | None, edit: Edit, rel: str, known: Sequence[str]) -> str | None:
    label = edit.label if edit.path else f"{edit.label} for {rel}"
    if edit.kind == "delete":
        if current is None:
            raise LocateError(f"{label}: {rel} does not exist, nothing to delete")
        return None
    if current is None:
        if edit.kind == "replace" and not edit.search.strip():
            return edit.replace
        hint = f" (files in the context: {', '.join(known[:8])})" if known else ""
        raise LocateError(f"{label}: {rel} does not exist{hint}; to create a file leave SEARCH empty")
    if edit.kind == "function":
        try:
            return replace_definitions(rel, current, edit.replace, label)
        except LocateError:
            if edit.lines is None:
                raise
            return replace_span(current, edit, rel, label)
    if not edit.search.strip():
        sep = "" if not current or current.endswith("\n") else "\n"
        return current + sep + edit.replace
    search, replace = edit.search, edit.replace
    if unnumbered(search) is not None:  # lines copied from the context with their "12 | " prefixes
        search = unnumbered(search) or ""
        replace = unnumbered(replace) if unnumbered(replace) is not None else replace
    return replace_once(current, search, replace, label)


def unnumbered(text: str) -> str | None:
    """``text`` without the ``>>12 | `` prefixes of the prompt's code listing; None if not all numbered."""
    lines, span = strip_numbers(text.split("\n"))
    return "\n".join(lines) if span is not None else None


def _aside(edit: Edit) -> bool:
    """A code block that is neither a whole definition nor lines copied with their numbers: read as
    part of the explanation when another block of the reply is a usable edit."""
    return edit.origin == "code" and edit.lines is None


def build_patch(
    root: Path,
    edits: Sequence[Edit],
    candidates: Sequence[str] = (),
    expected_hashes: Mapping[str, str | None] | None = None,
) -> BuildResult:
    """Apply ``edits`` in memory to the working tree's files; the Patch, or the problems found.

    ``candidates``: repo files the model saw (to infer a missing path and to list in messages).
    ``expected_hashes``: sha256 of files when the context was built; a changed file is refused.
    """
    tree = _Tree(root)
    problems: list[str] = []
    asides: list[str] = []  # code blocks that are no edit at all (a snippet quoted in the explanation)
    applied = 0
    for edit in edits:
        path = edit.path or _infer_path(tree, edit, candidates)
        if edit.kind == "function" and edit.path and not _defines(tree, edit, edit.path):
            path = _infer_path(tree, edit, candidates) or edit.path  # a mislabelled block: its real home
        if path is None:
            message = f"{edit.label} names no file; put the file path on the line before the block"
            (asides if _aside(edit) else problems).append(message)
            continue
        try:
            rel = normalize(path)
            entry = tree.get(rel)
            if expected_hashes and rel in expected_hashes and sha256_bytes(entry.raw) != expected_hashes[rel]:
                problems.append(f"{rel} changed since the context was built; run rdebug again")
                continue
            entry.text = _apply_edit(entry.text, edit, rel, list(candidates))
            applied += 1
        except (PatchError, LocateError) as exc:
            (asides if _aside(edit) and "defines no function" in str(exc) else problems).append(str(exc))
    if not applied:
        problems += asides  # nothing else to go on: say why each block was no edit
    if problems:
        return BuildResult(None, problems)
    files: dict[str, tuple[str | None, str | None]] = {}
    for rel, entry in tree.files.items():
        old = entry.raw.decode("utf-8") if entry.raw is not None else None
        new = restore_endings(old, entry.text) if entry.text is not None and old is not None else entry.text
        if old != new:
            files[rel] = (old, new)
    patch = make_patch(files, {rel: e.mode for rel, e in tree.files.items() if e.raw is not None})
    problems = validate_patch(patch)
    return BuildResult(None if problems else patch, problems)
