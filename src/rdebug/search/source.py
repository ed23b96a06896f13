"""The search as a candidate source of the pipeline: mutations at suspicious lines, verified in a small pool;
a verified one becomes an Attempt ("found by search: `<` → `<=` in paging.py:14") and the model explains it.

``run()`` is ``find()`` (the search) then ``present()`` (the found fix reported and explained). The pipeline
either runs it before the model's attempts, or ``find()`` on a thread beside the model's loop
(``rdebug.rounds.SearchBesideModel``), with ``present()`` once the model has stopped."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Iterator

from rdebug.events import (
    AnswerDelta,
    AttemptStarted,
    FixesCompared,
    PatchProposed,
    PatchVerified,
    SessionEvent,
    Status,
    VerificationStarted,
)
from rdebug.job import Attempt, Candidates, Job, RoundOptions
from rdebug.intake.testfiles import edited_tests
from rdebug.runtime.base import ChatMessage
from rdebug.search.explain import LETTERS

if TYPE_CHECKING:
    from rdebug.search.pool import Tried

FAILING_ONLY = "verified by the failing test only: the project has no other tests"
PROGRESS_EVERY = 25  # candidates between progress lines
# after the first verified edit the search goes on a little for others, which the model chooses among
ALTERNATIVES_S = 3.0  # at most this long …
ALTERNATIVES_TRIED = 4  # … and this many more candidates …
MAX_HITS = 3  # … until this many verified edits in all


class SearchSource(Candidates):
    """Candidates verified in the search's pool; a verified one is reported as an attempt of source ``SOURCE``.

    ``run()`` tries the candidates; afterwards ``attempts`` (the verified one, if any), ``tried``,
    ``capped`` ("count"/"time"/None), ``seconds`` and ``found_s`` (seconds to the verified fix)."""

    SOURCE = "search"

    def __init__(self, job: Job, backend, opts: RoundOptions, *, enabled: bool = True,
                 search_max: int = 300, search_seconds: float = 60.0, workers: int | None = None) -> None:
        super().__init__()
        self.job, self.backend, self.opts = job, backend, opts
        self.enabled = enabled and bool(job.command) and opts.verify and not opts.question
        self.search_max, self.search_seconds, self.workers = search_max, search_seconds, workers
        self.attempts: list[Attempt] = []
        self.history: list[ChatMessage] = list(opts.history)
        self.tried = 0
        self.cut = 0  # candidates whose run was cut at the pool's short limit
        self.candidates = 0
        self.capped: str | None = None
        self.seconds = 0.0
        self.found_s: float | None = None
        self.tried_diffs: set[str] = set()  # the patches tried (the near-miss pass skips them)
        self.hits: list["Tried"] = []  # the verified candidates ``find()`` found, best first
        self.on_hit = None  # called (on the search's thread) when the first candidate verifies
        self.difference = None  # several verified fixes: an input on which they differ (search.differ)
        self._started = 0.0
        self._explaining = False

    def cancel(self) -> None:
        self._cancel.set()
        if self._explaining and self.backend is not None:
            self.backend.cancel()

    def run(self) -> Iterator[SessionEvent]:
        yield from self.find()
        yield from self.present()

    def find(self) -> Iterator[SessionEvent]:
        """The search itself (status lines only); afterwards ``hits`` are the verified candidates, best first.
        Touches no backend: it may run on a thread of its own while the model decodes."""
        if not self.enabled:
            return
        self._started = time.perf_counter()
        try:
            found = yield from self._search()
        finally:
            self.seconds = time.perf_counter() - self._started
        if found and not self.cancelled:
            self.hits = list(found)

    @property
    def hit(self) -> "Tried | None":
        """The verified candidate reported first: the smallest, then the most suspicious."""
        return self.hits[0] if self.hits else None

    def present(self, index: int = 1) -> Iterator[SessionEvent]:
        """Report the found fix as attempt ``index`` and have the model explain it. When several verified, the
        model chooses among them: by the result it intends on an input where they differ (``search.pick``), else
        from the diffs; its choice, if not the first, is reported as attempt ``index + 1``."""
        if self.hit is None or self.cancelled:
            return
        attempt = yield from self._report(self.hit, index)
        if self.backend is None or self.cancelled:
            return
        several = len(self.hits) > 1
        picked = None
        if several and self.opts.compare:
            yield from self._compare(attempt)
            picked = yield from self._pick()
        if picked is not None:  # scored: the model's likeliest result or code, else the search's order
            choice = picked.index
        else:  # a backend that scores no texts: the model chooses in words
            choice = yield from self._explain(attempt, choose=several)
        if choice is None or self.cancelled:
            return
        chosen = attempt
        if choice != 0:
            chosen = yield from self._report(self.hits[choice], index + 1)
            chosen.difference = attempt.difference
        chosen.preferred = True
        if picked is not None:  # the patch panel of the fix shown says why it was chosen
            said = picked.text()
            why = f"{chosen.difference} {said[:1].upper()}{said[1:]}.".strip()
            yield FixesCompared(chosen.index, why)
        if picked is not None:
            yield from self._explain(chosen, choose=False)
        elif choice != 0:
            chosen.answer = attempt.answer
            yield AnswerDelta(f"The model chose this fix ({LETTERS[choice]}) among {len(self.hits)} that pass the "
                              f"tests:\n\n{attempt.answer.strip()}")

    def _search(self) -> Iterator[SessionEvent]:
        from rdebug.search.candidates import candidates
        from rdebug.search.suspicious import suspicious_lines

        job = self.job
        lines = suspicious_lines(job.problem, job.context, job.suspicious)
        found = [c for c in candidates(job.root, lines, job.hashes, templates=self.opts.templates)
                 if not edited_tests(c.patch.paths, job.problem)]
        self.candidates = len(found)
        if not found:
            yield Status("search: no small edit to try at the suspicious lines")
            return None
        shown = min(len(found), self.search_max)
        yield Status(f"search: trying {shown} small edits at {len({(s.path, s.line) for s in lines})} "
                     f"suspicious lines (at most {self.search_seconds:g} s) …")
        baseline = self._baseline_runs()
        return (yield from self._verify(found, baseline, shown, "no edit made the tests pass"))

    def _baseline_runs(self):
        """The runs before any patch: the round's shared ones, else made here."""
        from rdebug.patch.verify import run_baseline

        job = self.job
        if job.baseline is not None:
            return job.baseline.get(self._cancel)
        return run_baseline(job.root, job.command, job.regression_cmd, job.timeout_s, self._cancel)

    def _verify(self, found: list, baseline, shown: int, nothing: str) -> Iterator[SessionEvent]:
        """Verify ``found`` in the pool until one passes, then a little longer for others (``ALTERNATIVES_*``);
        returns the verified ones (``Tried``), smallest first, then in the pool's order (most suspicious)."""
        from rdebug.search.pool import SearchPool, cut_note

        job = self.job
        if self.cancelled:
            return None
        self._baseline = baseline
        # every test the failing command failed before must pass (not only the first failure's): a small edit
        # that fixes one of two failing tests is the "plausible but wrong" fix the search must not report
        pool = SearchPool(job.root, job.command, regression_cmd=job.regression_cmd, baseline=baseline,
                          targets=[], timeout_s=job.timeout_s, max_count=self.search_max,
                          max_seconds=self.search_seconds, workers=self.workers, cancel=self._cancel)
        hits: list[Tried] = []
        until, more = 0.0, 0
        for tried in pool.run(found):
            self.tried = pool.tried
            self.tried_diffs.add(tried.candidate.patch.diff)
            if hits:
                more += 1
            if tried.result.verified:
                hits.append(tried)
                if len(hits) == 1:
                    self.found_s = time.perf_counter() - self._started
                    until = time.monotonic() + ALTERNATIVES_S
                    if self.on_hit is not None:
                        self.on_hit()
            if hits and (len(hits) >= MAX_HITS or more >= ALTERNATIVES_TRIED or time.monotonic() >= until):
                break
            if not hits and self.tried % PROGRESS_EVERY == 0:
                yield Status(f"search: {self.tried}/{shown} edits tried{cut_note(pool)}")
        self.tried = pool.tried
        self.cut = pool.cut
        self.capped = None if hits else pool.capped
        if not hits and not self.cancelled:
            cap = {"time": f", stopped at the {self.search_seconds:g} s cap",
                   "count": f", stopped at the {self.search_max} candidates cap"}.get(self.capped or "", "")
            yield Status(f"search: {nothing} ({self.tried} tried{cap}{cut_note(pool)})")
        elif len(hits) > 1:
            yield Status(f"search: {len(hits)} edits pass the tests; the model chooses")
        order = {id(t): i for i, t in enumerate(hits)}  # the pool's order: most suspicious first
        # smallest first; of the same size, the one that removes code (``range(1, n - 1)`` → ``range(1, n)``)
        # before the one that adds code (→ ``range(0, n - 1)``)
        return sorted(hits, key=lambda t: (t.candidate.patch.changed_lines, t.candidate.patch.growth, order[id(t)]))

    def _failing_only(self) -> bool:
        """No regression suite ran, and the failing command ran no test but the targets."""
        if self.job.regression_cmd:
            return False
        before = getattr(self, "_baseline", None)
        outcomes = before.command.outcomes if before is not None and before.command is not None else None
        if outcomes is None or not outcomes.tests:
            return True
        from rdebug.patch.judge import matches

        targets = [self.job.problem.test_id] if self.job.problem.test_id else sorted(outcomes.failing())
        return all(any(matches(t, tid) for t in targets) for tid in outcomes.tests)

    def _label(self, cand) -> str:
        return f"found by search: {cand.label}"

    def _report(self, tried: "Tried", index: int = 1) -> Iterator[SessionEvent]:
        cand, result = tried.candidate, tried.result
        label = self._label(cand)
        attempt = Attempt(index, patch=cand.patch, verified=True, tests_pass=True, output_tail=result.output_tail,
                          failures=0, command_passed=True, reason=result.reason, checked=result.checked,
                          source=self.SOURCE, label=label, kind=cand.mutation.kind)
        if self._failing_only():
            attempt.reason = f"{result.reason}; {FAILING_ONLY}" if result.reason else FAILING_ONLY
        self.attempts.append(attempt)
        yield AttemptStarted(index, 1, source=self.SOURCE, label=label)
        yield PatchProposed(index, cand.patch.diff, cand.patch.paths)
        yield VerificationStarted(index, list(self.job.command or []))
        yield PatchVerified(index, True, result.output_tail, [], 1, [], True, attempt.reason, result.checked)
        return attempt

    def _prefix(self) -> tuple[list[ChatMessage], bool]:
        """The model's attempts' prompt prefix, and whether it thinks."""
        from rdebug.events import profile_of, resolve_thinking
        from rdebug.job import model_stats
        from rdebug.prompts import fix_prefix

        stats = model_stats(self.backend)
        thinking = resolve_thinking(self.opts.thinking, stats)
        job = self.job
        return fix_prefix(job.problem, job.prompt_text, list(job.hashes), profile_of(stats), thinking), thinking

    def _compare(self, attempt: Attempt) -> Iterator[SessionEvent]:
        """Several verified fixes: look for an input on which their results differ (``self.difference``)."""
        from rdebug.search.differ import distinguish

        yield Status("looking for an input on which the fixes differ …")
        self.difference = distinguish(self.job, [t.candidate.patch for t in self.hits])
        attempt.difference = self.difference.text() if self.difference is not None else ""
        if attempt.difference:
            yield FixesCompared(attempt.index, attempt.difference)

    def _pick(self) -> Iterator[SessionEvent]:
        """The ``Pick`` of the model's scores (``search.pick``); None when it could not score the fixes."""
        from rdebug.search.pick import pick_fix

        prefix, _thinking = self._prefix()
        yield Status("scoring the fixes with the model …")
        pick = yield from pick_fix(self.backend, prefix + self.history, self.difference,
                                   [t.candidate.patch for t in self.hits])
        return pick if pick is not None and pick.logprobs else None

    def _explain(self, attempt: Attempt, choose: bool) -> Iterator[SessionEvent]:
        """Ask the model, on its attempts' prompt prefix, why the fix works and whether it is the cause; with
        ``choose``, which of the verified fixes is the real one (returns its index, None when it named none)."""
        from rdebug.search.explain import choose_request, explain_request, parse_choice, stream_explanation

        prefix, thinking = self._prefix()
        if choose:
            fixes = [(self._label(t.candidate), t.candidate.patch.diff) for t in self.hits]
            request = choose_request(prefix, self.history, fixes, attempt.checked, thinking, self.opts.think_budget,
                                     attempt.difference)
            yield Status(f"asking the model which of the {len(fixes)} fixes the search found is the real one …")
        else:
            request = explain_request(prefix, self.history, attempt.label, attempt.patch.diff, attempt.checked,
                                      thinking, self.opts.think_budget)
            yield Status("asking the model to explain the fix the search found …")
        self._explaining = True
        try:
            yield from stream_explanation(self.backend, request, attempt)
        finally:
            self._explaining = False
        self.history = self.history + [request.messages[-1],
                                       ChatMessage("assistant", attempt.answer.strip() or "(no answer)")]
        return parse_choice(attempt.answer, len(self.hits)) if choose else None


def search_source(job: Job, backend, opts: RoundOptions) -> SearchSource:
    """The pipeline's search stage (off with ``search = false`` / ``--no-search``)."""
    return SearchSource(job, backend, opts, enabled=opts.search, search_max=opts.search_max,
                        search_seconds=opts.search_seconds)
