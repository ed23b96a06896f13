"""A patch that leaves the failure where it was: detected from the patched run, said in the retry turn."""

import sys

from helpers_patch import make_repo

from rdebug.intake.model import Frame, Problem
from rdebug.intake.parse import parse_failures
from rdebug.intake.pathmap import PathMapper
from rdebug.patch.diff import make_patch
from helpers_patch import make_loop
from rdebug.patch.unchanged import describe_change, first_changed_line, unchanged_failure, unchanged_note
from rdebug.runtime.base import GenerationRequest, Sampling, sampling_for
from rdebug.runtime.fake import ScriptedBackend
from rdebug.intake.runner import run_command

PAGING = '''class OutOfRange(Exception):
    pass


def page(rows, number, size=10):
    pages = -(-len(rows) // size)
    if not 1 <= number < pages:
        raise OutOfRange(f"page {number} of {pages}")
    start = (number - 1) * size
    return rows[start:start + size]
'''

TEST = '''from paging import page


def test_last_page():
    assert page(list(range(25)), 3) == [20, 21, 22, 23, 24]
'''

BELOW = '''The slice is wrong.

paging.py
<<<<<<< SEARCH
    return rows[start:start + size]
=======
    return rows[start:min(start + size, len(rows))]
>>>>>>> REPLACE
'''

GUARD = '''The range check rejects the last page.

paging.py
<<<<<<< SEARCH
    if not 1 <= number < pages:
=======
    if not 1 <= number <= pages:
>>>>>>> REPLACE
'''

COMMAND = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_paging.py"]


def _repo(tmp_path):
    return make_repo(tmp_path / "proj", {"paging.py": PAGING, "test_paging.py": TEST})


def _failure(root):
    output = run_command(COMMAND, root, timeout_s=60).output
    return PathMapper(root).map(parse_failures(output))[0], output


def test_the_same_failure_after_a_patch_is_recognised(tmp_path):
    root = _repo(tmp_path)
    before, output = _failure(root)
    site = unchanged_failure(before, output, root)
    assert site is not None and (site.path, site.function, site.line) == ("paging.py", "page", 8)
    assert site.code == 'raise OutOfRange(f"page {number} of {pages}")'
    # another message, exception or function is a different failure
    moved = output.replace("page 3 of 3", "page 3 of 4")
    assert unchanged_failure(before, moved, root) is None
    assert unchanged_failure(Problem("pytest", "OutOfRange", "page 3 of 3", [Frame("paging.py", 8, "other", True)]),
                             output, root) is None
    assert unchanged_failure(before, "1 passed in 0.01s", root) is None


def test_the_note_says_when_every_edit_is_below_the_raising_line(tmp_path):
    root = _repo(tmp_path)
    before, output = _failure(root)
    site = unchanged_failure(before, output, root)
    below = make_patch({"paging.py": (PAGING, PAGING.replace("start + size]", "min(start + size, len(rows))]"))})
    above = make_patch({"paging.py": (PAGING, PAGING.replace("pages = -(", "pages = 1 + -("))})
    assert first_changed_line(below, "paging.py") == 10 and first_changed_line(above, "paging.py") == 6
    assert first_changed_line(below, "other.py") is None
    two = make_patch({"paging.py": (PAGING, PAGING.replace("pages = -(", "pages = 1 + -(").replace("start + size]", "x]")),
                      "new.py": (None, "x = 1\n")})
    assert describe_change(two) == "new.py, paging.py lines 6-10"
    text = unchanged_note(site, below)
    assert "still raised from the same place" in text and "paging.py line 8 in page()" in text
    assert "start at line 10, below that line" in text
    assert "Your edits (paging.py line 10) start at line 10" in text and "do not repeat them" in text
    text = unchanged_note(site, above)
    assert "below that line" not in text and "did not prevent it" in text


def test_the_retry_turn_says_the_failure_did_not_move_and_samples_warmer(tmp_path):
    root = _repo(tmp_path)
    before, _ = _failure(root)
    backend = ScriptedBackend([BELOW, GUARD])
    loop = make_loop(before, "## Problem\n...", backend, root, COMMAND, timeout_s=60)
    list(loop.run())
    assert [a.verified for a in loop.attempts] == [False, True]
    first, retry = backend.requests
    assert not first.explore and retry.explore
    assert "start at line 10, below that line" in retry.messages[-1].content
    assert "You proposed this fix" not in retry.messages[-1].content  # a useless diff is named, not shown


def test_exploring_requests_sample_at_least_the_retry_temperature():
    cool, warm = Sampling(temperature=0.3), Sampling(temperature=1.0)
    assert sampling_for(GenerationRequest([]), cool) is cool
    assert sampling_for(GenerationRequest([])) is None  # a server keeps its own defaults
    assert sampling_for(GenerationRequest([], explore=True), cool).temperature == 0.5
    assert sampling_for(GenerationRequest([], explore=True), warm) is warm
    assert sampling_for(GenerationRequest([], explore=True)) == Sampling()  # 0.6 already
