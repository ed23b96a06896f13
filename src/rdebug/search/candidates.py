"""Mutations at the suspicious lines -> candidate patches: one edit each, deduped, best first."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from rdebug.patch.diff import Patch, make_patch, sha256_bytes, validate_patch
from rdebug.search.mutation import Mutation
from rdebug.search.operators import language_of, mutations
from rdebug.search.priors import prior
from rdebug.search.suspicious import SuspiciousLine


@dataclass
class Candidate:
    mutation: Mutation
    patch: Patch
    score: float  # the line's suspiciousness

    @property
    def label(self) -> str:
        return self.mutation.label


def candidates(root: Path, lines: Sequence[SuspiciousLine], hashes: Mapping[str, str | None] | None = None,
               limit: int | None = None, templates: bool = True) -> list[Candidate]:
    """One candidate per distinct edit of the files at ``lines``, ordered by the line's suspiciousness, then by
    the edit kind's prior, then by position; a file changed since ``hashes`` were taken is left alone."""
    by_file: dict[str, dict[int, float]] = {}
    for s in lines:
        if language_of(s.path) is not None:
            by_file.setdefault(s.path, {})[s.line] = max(s.score, by_file.get(s.path, {}).get(s.line, 0.0))
    scored: list[tuple[tuple, Mutation, str]] = []
    for path, scores in by_file.items():
        try:
            data = (root / path).read_bytes()
        except OSError:
            continue
        if hashes is not None and path in hashes and hashes[path] != sha256_bytes(data):
            continue
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        for m in mutations(path, source, set(scores), templates):
            scored.append(((-scores.get(m.line, 0.0), -prior(m.kind), path, m.start, m.kind), m, source))
    scored.sort(key=lambda item: item[0])
    out: list[Candidate] = []
    seen: set[tuple[str, str]] = set()
    for key, m, source in scored:
        new = m.apply(source.encode("utf-8")).decode("utf-8", errors="replace")
        if (m.path, new) in seen:
            continue
        seen.add((m.path, new))
        patch = make_patch({m.path: (source, new)})
        if validate_patch(patch):  # no change, whitespace only, or it no longer parses
            continue
        out.append(Candidate(m, patch, -key[0]))
        if limit is not None and len(out) >= limit:
            break
    return out
