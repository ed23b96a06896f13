"""Near misses (issue 14 §1): a model candidate that ran and still failed is often one small edit short of
the fix. After the model's attempts, a second, short search mutates the lines such a candidate changed (and
the lines beside them) in the PATCHED code, the candidate's patch applied first, so that a near miss plus one
edit can verify; and the original code at those lines. Same caps and switch as the search
(``search``, ``search_max``, ``search_seconds``); a verified fix is labelled
"found by search near the model's attempt 2: `<` → `<=` in paging.py:14", its diff the whole change."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator, Sequence

from rdebug.events import SessionEvent, Status
from rdebug.patch.diff import make_patch, validate_patch
from rdebug.job import Attempt, CandidateSource, Job, RoundOptions, rank
from rdebug.intake.testfiles import edited_tests
from rdebug.search.candidates import Candidate
from rdebug.search.operators import language_of, mutations
from rdebug.search.priors import prior
from rdebug.search.source import SearchSource

if TYPE_CHECKING:
    from rdebug.intake.model import Problem

PATCHED = 1.0  # a line the model's candidate changed, mutated on top of that candidate
ORIGINAL = 0.9  # the same lines in the original code (the candidate left out)
PATCHED_NEAR = 0.8  # a line beside a changed one, on top of the candidate
ORIGINAL_NEAR = 0.7
NEAR = 1  # lines either side of a changed line


@dataclass
class NearCandidate(Candidate):
    """A search candidate built near the model's attempt ``attempt`` (on its patch when ``on_patch``)."""

    attempt: int = 0
    on_patch: bool = True


@dataclass(frozen=True)
class ChangedLines:
    """1-based lines of one file a patch changed: in the new text, and the lines they replaced in the old."""

    new: frozenset[int]
    old: frozenset[int]


def changed_lines(old: str, new: str) -> ChangedLines:
    """The lines ``new`` changed (an insertion's lines; a deletion: the lines around it), on both sides."""
    new_lines: set[int] = set()
    old_lines: set[int] = set()
    matcher = difflib.SequenceMatcher(a=old.splitlines(), b=new.splitlines(), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        new_lines.update(range(j1 + 1, j2 + 1) if j2 > j1 else (j1, j1 + 1))
        old_lines.update(range(i1 + 1, i2 + 1) if i2 > i1 else (i1, i1 + 1))
    return ChangedLines(frozenset(n for n in new_lines if n > 0), frozenset(n for n in old_lines if n > 0))


def _near(lines: frozenset[int]) -> set[int]:
    return {n + d for n in lines for d in range(-NEAR, NEAR + 1) if n + d > 0} - set(lines)


def near_misses(attempts: Sequence[Attempt]) -> list[Attempt]:
    """The model's candidates that ran and still failed, best first (fewest failures, smallest), one per
    distinct patch; never one that edits tests."""
    out: list[Attempt] = []
    seen: set[str] = set()
    for a in sorted(attempts, key=rank):
        if (a.patch is None or a.verified or a.failures is None or a.edits_tests or a.repeat_of is not None
                or a.source != "model" or a.patch.diff in seen):
            continue
        seen.add(a.patch.diff)
        out.append(a)
    return out


def near_candidates(misses: Sequence[Attempt], problem: "Problem", skip: set[str] = frozenset()) -> list[NearCandidate]:
    """Single edits at and beside the lines each near miss changed, on its patch and on the original code;
    ordered by where (``PATCHED`` … ``ORIGINAL_NEAR``), then the edit kind's prior, then the attempt's rank.
    A diff in ``skip`` (tried already) or equal to a model candidate's is left out."""
    scored: list[tuple[tuple, NearCandidate]] = []
    model_diffs = {a.patch.diff for a in misses if a.patch is not None}
    for order, attempt in enumerate(misses):
        patch = attempt.patch
        for path, (old, new) in sorted(patch.files.items()):
            if old is None or new is None or language_of(path) is None or edited_tests([path], problem):
                continue
            changed = changed_lines(old, new)
            for base, on_patch, at, beside in ((new, True, PATCHED, PATCHED_NEAR),
                                               (old, False, ORIGINAL, ORIGINAL_NEAR)):
                lines = changed.new if on_patch else changed.old
                scores = {**{n: beside for n in _near(lines)}, **{n: at for n in lines}}
                for m in mutations(path, base, set(scores)):
                    mutated = m.apply(base.encode("utf-8")).decode("utf-8", errors="replace")
                    files = dict(patch.files) if on_patch else {}
                    files[path] = (old, mutated)
                    whole = make_patch(files, patch.modes)
                    cand = NearCandidate(m, whole, scores[m.line], attempt=attempt.index, on_patch=on_patch)
                    scored.append(((-scores[m.line], -prior(m.kind), order, path, m.start, m.kind), cand))
    scored.sort(key=lambda item: item[0])
    out: list[NearCandidate] = []
    seen = set(skip) | model_diffs
    for _key, cand in scored:
        if cand.patch.diff in seen or validate_patch(cand.patch):
            continue
        seen.add(cand.patch.diff)
        out.append(cand)
    return out


class NearMissSource(SearchSource):
    """The search's second, short pass after the model: ``follow`` names the model's loop (and the search) that
    ran before it in the round."""

    def __init__(self, job: Job, backend, opts: RoundOptions, **kwargs) -> None:
        super().__init__(job, backend, opts, **kwargs)
        self.model: CandidateSource | None = None
        self.search: SearchSource | None = None
        self.near: list[Attempt] = []  # the near misses it searched around

    def follow(self, model: CandidateSource, search: SearchSource | None = None) -> None:
        self.model, self.search = model, search

    def _earlier(self) -> list[Attempt]:
        return [a for s in (self.model, self.search) if s is not None for a in s.attempts]

    def run(self) -> Iterator[SessionEvent]:
        if self.model is not None:  # the round's chat goes on from the model's
            self.history = list(self.model.history)
        yield from self.find()
        yield from self.present(1 + max((a.index for a in self._earlier()), default=0))

    def _label(self, cand: Candidate) -> str:
        attempt = cand.attempt if isinstance(cand, NearCandidate) else 0
        return f"found by search near the model's attempt {attempt}: {cand.label}"

    def _search(self) -> Iterator[SessionEvent]:
        job = self.job
        model = [a for a in self.model.attempts if a.source == "model"] if self.model is not None else []
        if any(a.verified for a in self._earlier()):
            return None  # a fix is verified already (a round that ranks every candidate goes on)
        self.near = near_misses(model)
        if not self.near:
            return None
        tried = set(self.search.tried_diffs) if self.search is not None else set()
        found = near_candidates(self.near, job.problem, tried)
        self.candidates = len(found)
        numbers = ", ".join(str(a.index) for a in self.near)
        if not found:
            yield Status(f"search: no small edit to try near the model's attempt {numbers}")
            return None
        shown = min(len(found), self.search_max)
        yield Status(f"search: trying {shown} small edits near the model's attempt {numbers} "
                     f"(at most {self.search_seconds:g} s) …")
        baseline = self._baseline_runs()  # the round's, made already by the model's loop or the search
        return (yield from self._verify(found, baseline, shown, "no edit near the model's attempts made the tests "
                                                                "pass"))


def near_miss_source(job: Job, backend, opts: RoundOptions) -> NearMissSource:
    """The pipeline's near-miss stage, after the model (off with the search: ``search = false``)."""
    return NearMissSource(job, backend, opts, enabled=opts.search, search_max=opts.search_max,
                          search_seconds=opts.search_seconds)
