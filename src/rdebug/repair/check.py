"""Checking one model candidate: its reply parsed into a patch, the patch statically pre-checked, a repeat
of an earlier patch answered from that one's verdict, else the patch verified in a scratch copy."""

from __future__ import annotations

from typing import Iterator

from rdebug.errors import RdebugError
from rdebug.events import PatchProposed, PatchRejected, PatchVerified, SessionEvent, VerificationStarted
from rdebug.job import Attempt
from rdebug.patch.compose import build_patch
from rdebug.patch.edits import parse_edits
from rdebug.patch.normalize import normalized_diff, only_cosmetic
from rdebug.patch.precheck import precheck
from rdebug.intake.testfiles import edited_tests
from rdebug.patch.verify import run_baseline, verify_patch


class CandidateCheck:
    """The repair loop's candidate check (a mixin of ``RepairLoop``: it reads the loop's job and settings)."""

    def _repeat(self, attempt: Attempt, key: str) -> bool:
        """Whether ``attempt``'s patch repeats an earlier one (a pre-check rejection or a test run)."""
        return any(a is not attempt and a.patch is not None and (a.output_tail or a.precheck)
                   and normalized_diff(a.patch.diff) == key for a in self.attempts)

    def _check(self, attempt: Attempt) -> Iterator[SessionEvent]:
        """Parse the reply into a patch, pre-check it, and verify it in a scratch copy (unless it repeats one)."""
        n, s = attempt.index, attempt.sample
        if attempt.rejected_reason:  # the backend reported a (non-fatal) error
            yield PatchRejected(n, attempt.rejected_reason, s)
            return
        if self.cancelled:
            return
        if not attempt.answer.strip() and not attempt.thinking.strip():
            attempt.rejected_reason = "the reply is empty"
        else:
            parsed = parse_edits(attempt.answer)
            if not parsed.edits and attempt.thinking:  # the model never closed its thought
                from_thought = parse_edits(attempt.thinking)
                if from_thought.edits and not from_thought.problems:
                    parsed = from_thought
            if parsed.problems:
                attempt.rejected_reason = "; ".join(parsed.problems)
            else:
                built = build_patch(self.root, parsed.edits, self._candidates(), self.expected_hashes)
                attempt.patch = built.patch
                attempt.rejected_reason = "; ".join(built.problems) or None
                if attempt.patch is not None and only_cosmetic(attempt.patch.diff):
                    attempt.patch, attempt.rejected_reason = None, "the patch changes only comments or whitespace"
        if attempt.patch is None and self.question:
            attempt.rejected_reason = None  # an answer without a fix is what a question asks for
            return
        if attempt.patch is None:
            yield PatchRejected(n, attempt.rejected_reason or "no usable edit", s)
            return
        attempt.edits_tests = edited_tests(attempt.patch.paths, self.problem)
        yield PatchProposed(n, attempt.patch.diff, attempt.patch.paths, s, edits_tests=list(attempt.edits_tests))
        if not self.verify or not self.command:
            return
        if self._round_stop.is_set() and not self.all_candidates:
            attempt.reason = "not run: another candidate of this attempt was verified first"
            return
        key = normalized_diff(attempt.patch.diff)
        if self.opts.precheck and not self._repeat(attempt, key):
            pre = precheck(self.root, attempt.patch)  # milliseconds: undefined names, syntax, before seconds of tests
            if not pre.ok:
                self.prechecked += 1
                attempt.precheck = pre.problems
                attempt.reason = "not run: " + "; ".join(pre.problems)
                yield PatchVerified(n, False, "\n".join(pre.problems), [], s, list(attempt.edits_tests),
                                    reason=attempt.reason, checked="static pre-check")
                return
        same = next((a for a in self.attempts if a is not attempt and a.patch is not None
                     and (a.output_tail or a.precheck) and normalized_diff(a.patch.diff) == key), None)
        if same is not None:  # small models repeat a failed fix verbatim: no second test run for it
            attempt.repeat_of = same.index
            attempt.verified, attempt.failures, attempt.timed_out = same.verified, same.failures, same.timed_out
            attempt.output_tail, attempt.regressions = same.output_tail, list(same.regressions)
            attempt.command_passed, attempt.tests_pass = same.command_passed, same.tests_pass
            attempt.reason, attempt.checked, attempt.precheck = same.reason, same.checked, same.precheck
            yield PatchVerified(n, same.verified, f"(the same patch as attempt {same.index}, not run again)\n"
                                + same.output_tail, list(same.regressions), s, list(attempt.edits_tests),
                                same.tests_pass, same.reason, same.checked)
            return
        yield VerificationStarted(n, list(self.command), s)
        try:
            if self._baseline is None:
                baseline = (self._shared.get(self._cancel) if self._shared is not None else
                            run_baseline(self.root, self.command, self.regression_cmd, self.timeout_s, self._cancel))
                if self.cancelled:
                    yield PatchVerified(n, False, "verification cancelled", [], s, list(attempt.edits_tests),
                                        reason="cancelled")
                    return
                self._baseline = baseline
            result = verify_patch(self.root, attempt.patch, self.command, self.timeout_s, self.regression_cmd,
                                  self._baseline, targets=self.targets, cancel=self._cancel)
        except RdebugError as exc:
            attempt.output_tail = exc.message
            attempt.failures = 1
            attempt.reason = exc.message
            yield PatchVerified(n, False, exc.message, [], s, list(attempt.edits_tests), reason=exc.message)
            return
        if result.cancelled:
            yield PatchVerified(n, False, result.output_tail, [], s, list(attempt.edits_tests), reason="cancelled")
            return
        attempt.tests_pass = result.verified
        attempt.verified = result.verified and not attempt.edits_tests
        attempt.output_tail = result.output_tail
        attempt.regressions = result.regressions
        attempt.failures = result.failures
        attempt.timed_out = result.timed_out
        attempt.command_passed = result.exit_code == 0 and not result.timed_out
        attempt.reason, attempt.checked = result.reason, result.checked
        if attempt.edits_tests:
            edited = ", ".join(attempt.edits_tests)
            attempt.reason = (f"edits tests ({edited}): the tests pass only with edited tests" if result.verified
                              else f"edits tests ({edited}); {result.reason}")
        yield PatchVerified(n, attempt.verified, result.output_tail, result.regressions, s,
                            list(attempt.edits_tests), attempt.tests_pass, attempt.reason, attempt.checked)
