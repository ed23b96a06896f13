"""Very long traces keep their exception line (issue 12, item 5)."""

from rdebug.intake.parse import parse_failures


def _recursion(frames: int) -> str:
    body = '  File "/work/rec.py", line 2, in f\n    return f(n - 1)\n' * frames
    return "Traceback (most recent call last):\n" + body + "RecursionError: maximum recursion depth exceeded\n"


def test_100000_frame_traceback_keeps_its_exception():
    problems = parse_failures(_recursion(100_000))
    assert len(problems) == 1
    assert problems[0].exception == "RecursionError"
    assert problems[0].message == "maximum recursion depth exceeded"


def test_a_stray_line_between_frames_is_skipped_but_a_real_end_is_not():
    text = _recursion(3).replace("    return f(n - 1)\n", "    return f(n - 1)\n\nrn f(n\n", 1)
    assert parse_failures(text)[0].exception == "RecursionError"
    ended = 'Traceback (most recent call last):\n  File "a.py", line 1, in <module>\nValueError: bad\n' \
            '  File "b.py", line 2, in g\n'
    assert parse_failures(ended)[0].exception == "ValueError"
