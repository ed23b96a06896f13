"""The repair loop: ask for a fix, build and verify the patch, feed failures back, try again."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from typing import Iterator, Sequence

from rdebug.errors import RdebugError
from rdebug.events import (
    AnswerDelta,
    AttemptResampled,
    AttemptStarted,
    Done,
    Error,
    PatchRejected,
    SessionEvent,
    Status,
    profile_of,
    resolve_thinking,
)
from rdebug.job import (
    CUT_SHORT, Attempt, Candidates, Job, RoundOptions, model_stats, note_agreement, rank, round_note, sample_label,
)
from rdebug.prompts import (
    ASK, code_paths, failed_feedback, fix_prefix, precheck_feedback, rejected_feedback, test_edit_feedback,
    tried_note,
)
from rdebug.patch.unchanged import edits_below, unchanged_failure, unchanged_note
from rdebug.patch.verify import Baseline
from rdebug.patch.background import BackgroundJobs
from rdebug.patch.precheck import PrecheckResult
from rdebug.runtime.base import ChatMessage, GenerationRequest, Variant
from rdebug.repair.check import CandidateCheck
from rdebug.repair.choose import choose_site
from rdebug.repair.focus import STOP as FOCUS_STOP, complete, focus, focus_feedback
from rdebug.repair.focus import messages as focus_messages
from rdebug.repair.sites import Site, rank_sites
from rdebug.runtime.samples import TAGGED, generate_candidates

FOCUS_SPREAD = 2  # attempts alternate among this many of the top-ranked functions
MAX_RESAMPLES = 2  # fresh samples for a reply that repeats a fix already tried, or changes nothing
UNCHANGED = ("the edits change nothing", "the edits only change whitespace", "the patch changes only comments")


class RepairLoop(CandidateCheck, Candidates):
    """``run()`` yields events; afterwards ``attempts``, ``best`` and ``history`` (turns after the prefix).

    ``question``: the last turn of ``history`` is a follow-up question; the reply is an answer, and a
    patch only when it holds an edit (no rejection and no retries otherwise).
    """

    def __init__(self, job: Job, backend, opts: RoundOptions, targets: Sequence[str] | None = None) -> None:
        self.job = job
        self.problem = job.problem
        self.backend = backend
        self.root = Path(job.root)
        self.command = list(job.command) if job.command else None
        # a follow-up question gets one reply; it is verified only when it holds a fix
        self.question = opts.question
        self.n_attempts = 1 if opts.question else max(1, opts.attempts)  # the setting `attempts` (1 for a question)
        self.samples = 1 if opts.question else max(1, opts.samples)
        self.timeout_s = job.timeout_s
        self.regression_cmd = list(job.regression_cmd) if job.regression_cmd else None
        self.thinking = opts.thinking
        self.think_budget = opts.think_budget
        self.max_tokens = opts.max_tokens
        self.expected_hashes = dict(job.hashes or {})
        self.verify = opts.verify
        self.all_candidates = opts.all_candidates  # False: the first verified candidate ends its round
        self.attempts: list[Attempt] = []
        self.edit_format = "search-replace"  # set from the model's stats when the loop runs
        self.history: list[ChatMessage] = list(opts.history)
        # the failing tests a patch must make pass (None: the problem's test; else those failing before)
        problem = job.problem
        self.targets = list(targets) if targets is not None else [problem.test_id] if problem.test_id else []
        self._baseline: Baseline | None = None
        self._shared = job.baseline  # the round's runs before any patch, when the pipeline made them shareable
        self._round_stop = threading.Event()  # set when a candidate of the running round is verified
        self.halted: str | None = None  # why ``halt`` stopped the loop
        self.opts = opts
        self.sites: list[Site] = []  # the functions a focused request rewrites, best first (``focus``)
        self.ranked: list[Site] = []  # the same, in the suspicious lines' order (before the model's choice)
        self.repeats = 0  # replies that repeated a tried fix or changed nothing: resampled, never attempts
        self.prechecked = 0  # candidates the static pre-check rejected (each a test run saved)
        super().__init__()

    def cancel(self) -> None:
        self._cancel.set()
        self.backend.cancel()

    def halt(self, reason: str) -> None:
        """Stop the loop because a fix was found elsewhere (the search beside it): the decoding candidates
        stop with ``reason``, no further attempt starts; a verification already running finishes."""
        self.halted = reason
        self._round_stop.set()
        self.backend.cancel()

    def _candidates(self) -> list[str]:
        return code_paths(self.problem, list(self.expected_hashes))

    def run(self) -> Iterator[SessionEvent]:
        stats = model_stats(self.backend)
        profile = profile_of(stats)
        self.edit_format = profile.edit_format
        self.thinking = resolve_thinking(self.thinking, stats)
        prefix = fix_prefix(self.problem, self.job.prompt_text, list(self.expected_hashes), profile, self.thinking)
        turns = list(self.history)
        if turns and turns[-1].role == "assistant":
            turns.append(ChatMessage("user", "That did not fix it. " + ASK))
        # Retries do not show the model its own earlier reply (small models copy it verbatim): the
        # next user turn summarises what was tried and how it failed. The prefix, and so the KV cache,
        # stays shared.
        notes: list[str] = []
        messages = prefix + turns
        picked: Attempt | None = None
        if self.opts.focus and self.edit_format == "function" and not self.question and self.verify:
            self.sites = self.ranked = rank_sites(self.job)
            if self.opts.localize and len(self.sites) > 1:
                self.sites = yield from choose_site(self.backend, prefix, self.job, self.sites, self._cancel)
        for number in range(1, self.n_attempts + 1):
            if self.cancelled or self.halted:
                self.history = turns
                return
            chosen = self._focus_sites(number) if self.sites else []
            batch = [Attempt(number, sample) for sample in range(1, max(self.samples, len(chosen)) + 1)]
            self.attempts.extend(batch)
            asked = [Variant(messages)]
            if chosen:  # a narrow task: one function, its first line given (unless the model thinks first)
                feedback = focus_feedback(self.attempts)
                asked = []
                for site in chosen:
                    focused = focus(self.job, site, feedback)
                    asked.append(Variant(focus_messages(prefix + turns, focused),
                                         "" if self.thinking else focused.prefill))
                named = ", ".join(f"{site.name} ({site.path}:{site.start})" for site in chosen)
                yield Status(f"attempt {number}: rewriting {named}")
            fatal = yield from self._round(batch, asked)
            if not fatal and self.opts.resample:
                fatal = yield from self._resample(batch, asked)
            if fatal or self.cancelled:
                self.history = turns
                return
            picked = min(batch, key=rank)
            if any(a.verified for a in batch) or not self.verify or number == self.n_attempts or self.halted:
                break
            if picked.patch is not None and not self.command:
                break  # nothing can tell whether it worked: feedback would be guesswork
            notes.append(self._feedback(picked) + round_note(batch, picked))
            earlier = tried_note([a for a in self.attempts if a.index < number - 1])
            messages = prefix + turns + [ChatMessage("user", "\n\n".join(([earlier] if earlier else []) + notes[-2:]))]
        if picked is not None:
            turns = turns + [ChatMessage("assistant", picked.answer.strip() or "(no answer)")]
        self.history = turns

    def _focus_sites(self, number: int) -> list[Site]:
        """The functions attempt ``number`` rewrites: the top ``spread`` (different prompts in one batch, each
        repeated by hotter samples when ``samples`` is more); with one candidate an attempt, the top
        FOCUS_SPREAD take turns."""
        if max(self.samples, min(self.opts.spread, len(self.sites))) == 1:
            return [self.sites[(number - 1) % min(FOCUS_SPREAD, len(self.sites))]]
        return self.sites[:min(self.opts.spread, len(self.sites))]

    def _feedback(self, attempt: Attempt) -> str:
        if attempt.patch is not None and attempt.precheck:
            return precheck_feedback(PrecheckResult(False, attempt.precheck), self.edit_format, diff=attempt.patch.diff)
        if attempt.patch is None:
            return rejected_feedback([attempt.rejected_reason or "no usable edit"], self.edit_format)
        if attempt.edits_tests:
            return test_edit_feedback(attempt.edits_tests, self.edit_format)
        site = None
        if not attempt.regressions and not attempt.timed_out:
            site = unchanged_failure(self.problem, attempt.output_tail, self.root)
        # a fix whose edits never ran before the error is only named (shown its diff, a small model
        # rewrites the same idea); any other is shown, to be corrected
        hide = site is not None and edits_below(site, attempt.patch)
        text = failed_feedback(self.command or [], attempt.output_tail, attempt.regressions, attempt.timed_out,
                               diff=None if hide else attempt.patch.diff, edit_format=self.edit_format,
                               note=self._note(attempt, site))
        if attempt.repeat_of is not None:
            text = (f"You proposed the same fix as in attempt {attempt.repeat_of} again; it was already "
                    f"tested and fails. Do not repeat it.\n{text}")
        return text

    def _note(self, attempt: Attempt, site) -> str:
        """What the output shows about the patch: the verdict when the output alone does not say it."""
        notes = [unchanged_note(site, attempt.patch)] if site else []
        if attempt.reason and attempt.command_passed and not attempt.regressions:
            notes.insert(0, f"The test run exited 0, but: {attempt.reason}.")
        return "\n".join(notes)

    def _stale(self, attempt: Attempt) -> str | None:
        """Why a candidate is no attempt (a repeat of a tried fix, or no change), or None."""
        if attempt.repeat_of is not None:
            return f"repeated attempt {attempt.repeat_of}'s fix"
        if attempt.patch is None and (attempt.rejected_reason or "").startswith(UNCHANGED):
            return "left the code as it was"
        return None

    def _resample(self, batch: list[Attempt], asked: list[Variant]) -> Iterator[SessionEvent]:
        """Replace each candidate of ``batch`` that repeats a tried fix or changes nothing by a fresh, hotter
        sample (at most ``MAX_RESAMPLES`` times): it is not an attempt. True when the backend failed fatally."""
        for _ in range(MAX_RESAMPLES):
            if self.cancelled or self.halted or (any(a.verified for a in batch) and not self.all_candidates):
                return False
            for slot, old in enumerate(list(batch)):
                why = self._stale(old)
                if why is None or self.cancelled or self.halted:
                    continue
                self.repeats += 1
                fresh = Attempt(old.index, old.sample)
                batch[slot] = fresh
                self.attempts[self.attempts.index(old)] = fresh
                yield AttemptResampled(old.index, f"the reply {why}: sampling another", old.sample)
                if (yield from self._round([fresh], [asked[slot % len(asked)]], slot=slot)):
                    return True
        return False

    def _round(self, batch: list[Attempt], asked: list[Variant], slot: int | None = None
               ) -> Iterator[SessionEvent]:
        """Ask for ``len(batch)`` candidates at once (one llama.cpp batch where the backend can); each is
        parsed and verified as soon as its reply ends, while the others decode. Unless ``all_candidates``,
        the first verified one ends the round. Returns True when the backend failed fatally.

        ``asked``: the prompts, candidate i asking ``asked[i % len]`` (a focused request's functions).
        ``slot``: a fresh sample for the round's candidate ``slot`` (its view is there already; hotter)."""
        first = batch[0]
        if slot is None:
            for attempt in batch:
                yield AttemptStarted(attempt.index, attempt.sample)
        prefills = [v.prefill for v in asked]
        request = GenerationRequest(
            messages=list(asked[0].messages), max_tokens=self.max_tokens, thinking=self.thinking,
            think_budget=self.think_budget, explore=first.index > 1 or slot is not None, n=len(batch),
            prefill=asked[0].prefill, stop=[FOCUS_STOP] if any(prefills) else [],
            variants=list(asked) if len(asked) > 1 else [],
        )
        for i, attempt in enumerate(batch):  # the pre-filled start is the reply's first text
            if prefills[i % len(prefills)]:
                ev = AnswerDelta(prefills[i % len(prefills)], candidate=slot or i)
                attempt.take(ev)
                yield ev
        verifier = BackgroundJobs(self._cancel)
        stop = self._round_stop = threading.Event()  # a candidate was verified: no further one starts
        ended: set[int] = set()
        halting = False
        try:
            for ev in generate_candidates(self.backend, request, stop, model_stats(self.backend)):
                if self.halted and not halting:  # halted before this round's decoding began
                    halting = True
                    stop.set()
                    self.backend.cancel()
                c = getattr(ev, "candidate", 0)
                attempt = batch[c] if 0 <= c < len(batch) else first
                if attempt.take(ev):
                    pass
                elif isinstance(ev, Done):  # the caller emits Done once for the whole session
                    ended.add(c)
                    prefill = prefills[c % len(prefills)] if 0 <= c < len(batch) else prefills[0]
                    if prefill:
                        attempt.answer = complete(prefill, attempt.answer[len(prefill):])
                    if ev.reason in CUT_SHORT:
                        yield Status(f"attempt {attempt.index}{sample_label(attempt)}: {CUT_SHORT[ev.reason]}")
                    if ev.reason == "cancelled" and stop.is_set():
                        attempt.rejected_reason = f"stopped: {self.halted or 'another candidate was verified first'}"
                        if self.halted:  # a fix found elsewhere: the attempt's view says why it ended
                            yield PatchRejected(attempt.index, attempt.rejected_reason, attempt.sample)
                    elif ev.reason != "cancelled" or not self.cancelled:
                        verifier.submit(lambda a=attempt: self._judge(a))
                    continue
                elif isinstance(ev, Error):
                    attempt.rejected_reason = ev.message
                    yield ev
                    if ev.fatal:
                        return True
                    continue
                yield replace(ev, candidate=slot) if slot and isinstance(ev, TAGGED) else ev
                yield from verifier.ready()
        except RdebugError as exc:
            first.rejected_reason = exc.message
            verifier.close()
            yield Error(exc.message, fatal=True)
            return True
        try:
            for attempt in batch:  # a backend that ended without a Done for it (an error): judge what it sent
                if batch.index(attempt) not in ended and not attempt.rejected_reason and not self.cancelled:
                    verifier.submit(lambda a=attempt: self._judge(a))
            yield from verifier.drain()
        finally:
            verifier.close()
        note_agreement(batch)
        return False

    def _judge(self, attempt: Attempt) -> Iterator[SessionEvent]:
        """Evaluate one candidate (on the verifier's thread); a verified one ends the round's decoding,
        unless every candidate is wanted."""
        yield from self._check(attempt)
        if attempt.verified and not self.all_candidates and not self._round_stop.is_set():
            self._round_stop.set()
            self.backend.cancel()



def model_source(job: Job, backend, opts: RoundOptions) -> RepairLoop:
    """The model's repair loop as a candidate source: ask, verify, feed the failure back, ask again."""
    return RepairLoop(job, backend, opts)
