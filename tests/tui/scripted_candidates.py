"""A scripted round of several candidates decoded together (candidate ids on every delta).

Used by the TUI's candidate tests and ``python tests/tui/demo_scripted.py --candidates K``.
"""

from __future__ import annotations

from rdebug.events import (
    AnswerDelta,
    AttemptStarted,
    ContextBuilt,
    Done,
    ModelLoading,
    ModelReady,
    PatchProposed,
    PatchRejected,
    PatchVerified,
    ProblemFound,
    ThinkingDelta,
    Usage,
    VerificationStarted,
)

from scripted import (
    ANSWER,
    BAD_DIFF,
    DEMO_DIFF,
    THINKING,
    Hang,
    demo_context,
    demo_other_problem,
    demo_problem,
    demo_stats,
    words,
)

CANDIDATE_THINKING = (
    THINKING,
    "mean([]) raises. Maybe wrap the call in try/except.",
    "The divisor can be 0. Guarding len(values) with max() avoids the division by zero, so mean() "
    "of an empty list returns something instead of raising.",
)
CANDIDATE_ANSWERS = (
    ANSWER + "\n```diff\n" + DEMO_DIFF + "```\n",
    "Catch the error in the test.",  # no edit: rejected
    "Divide by `max(len(values), 0)`.\n\n```diff\n" + BAD_DIFF + "```\n",  # a patch that fails verification
)


def parallel_round(attempt: int = 1, k: int = 3, hang_mid_round: bool = False) -> list:
    """One round of ``k`` candidates (candidate ids on every delta): candidate 2's reply has no edit
    (rejected), candidate 3's patch fails verification while candidate 1 still decodes, candidate 1's
    patch is verified; candidates beyond 3 decode until then and are stopped.

    ``hang_mid_round``: hang where candidate 1 decodes, 2 is rejected and 3 verifies (snapshots)."""
    texts = [(CANDIDATE_THINKING[i], CANDIDATE_ANSWERS[i]) if i < 3 else ("\n".join([THINKING] * 3), ANSWER)
             for i in range(k)]
    streams = [[ThinkingDelta(w, i) for w in words(t)] + [AnswerDelta(w, i) for w in words(a)]
               for i, (t, a) in enumerate(texts)]

    def usage(i: int) -> Usage:
        think, answer = words(texts[i][0]), words(texts[i][1])
        return Usage(prompt_tokens=1480, thinking_tokens=len(think), answer_tokens=len(answer), ttft_s=0.6,
                     tokens_per_s=24.0, seconds=9.0, candidate=i)

    command = ["pytest", "tests/test_stats.py::test_mean_empty"]
    failed = "E   ZeroDivisionError: division by zero\n1 failed in 0.03s"
    ends = {  # what follows a candidate's last token
        1: [usage(1), PatchRejected(attempt, "no SEARCH/REPLACE block in the reply", 2)],
        2: [usage(2), PatchProposed(attempt, BAD_DIFF, ["calc/stats.py"], 3),
            VerificationStarted(attempt, command, 3)],
    }
    script: list = [AttemptStarted(attempt, sample) for sample in range(1, k + 1)]
    lengths = [len(s) for s in streams]
    for step in range(max(lengths)):
        for i, stream in enumerate(streams):
            if i == 0 and step == lengths[2] + 8:  # candidate 1 decodes on while candidate 3 verifies
                script += [Hang()] if hang_mid_round else []
                script.append(PatchVerified(attempt, False, failed, [], 3, reason="the failing test still fails"))
            if step < len(stream) and not (i >= 3 and step >= lengths[0]):  # stopped: 1 is verified
                script.append(stream[step])
            if step == len(stream) - 1:
                script += ends.get(i, [])
    script += [usage(0), PatchProposed(attempt, DEMO_DIFF, ["calc/stats.py"], 1),
               VerificationStarted(attempt, command, 1),
               PatchVerified(attempt, True, "1 passed in 0.02s", [], 1, tests_pass=True)]
    return script


def parallel_script(k: int = 3, hang_mid_round: bool = False) -> list:
    """A whole session whose one attempt decodes ``k`` candidates together (see :func:`parallel_round`)."""
    problem = demo_problem()
    return [ProblemFound(problem, others=[demo_other_problem()]), ContextBuilt(demo_context(problem)),
            ModelLoading(1.0, "loading model"), ModelReady(demo_stats()),
            *parallel_round(1, k, hang_mid_round), Done("stop")]
