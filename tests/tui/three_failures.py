"""A project with three failing tests in three files, and recorded replies fixing two of them.

Used by the TUI's tests (Pilot and tmux) and to try the failures list by hand:
``rdebug --backend replay:REPLIES`` in a copy made by ``make_three_failure_repo``.
"""

from __future__ import annotations

from pathlib import Path

THREE_STATS_PY = '''"""Small statistics helpers, with three bugs."""


def mean(values):
    return sum(values) / len(values)


def median(values):
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def spread(values):
    return max(values) - min(values)
'''

THREE_TESTS = {
    "tests/test_mean.py": "from calc.stats import mean\n\n\ndef test_mean_empty():\n    assert mean([]) == 0\n",
    "tests/test_median.py": ("from calc.stats import median\n\n\ndef test_median_even():\n"
                             "    assert median([1, 2, 3, 4]) == 2.5\n"),
    "tests/test_spread.py": ("from calc.stats import spread\n\n\ndef test_spread_empty():\n"
                             "    assert spread([]) == 0\n"),
}

# recorded replies (replay backend format) fixing failure 1 (mean) and then failure 2 (median)
THREE_REPLIES = """<think>mean() divides by len(values), 0 for an empty list, so it raises.</think>
An empty list has no mean: return 0 before dividing.

calc/stats.py
<<<<<<< SEARCH
    return sum(values) / len(values)
=======
    if not values:
        return 0
    return sum(values) / len(values)
>>>>>>> REPLACE
=== rdebug-replay-next ===
<think>For an even count the median is the mean of the two middle values.</think>
median() takes one middle value; an even count needs the mean of the two.

calc/stats.py
<<<<<<< SEARCH
    return ordered[len(ordered) // 2]
=======
    mid = len(ordered) // 2
    if len(ordered) % 2 == 0:
        return (ordered[mid - 1] + ordered[mid]) / 2
    return ordered[mid]
>>>>>>> REPLACE
"""


def make_three_failure_repo(root: Path) -> Path:
    """A project with three failing tests in three files (mean, median, spread)."""
    (root / "calc").mkdir(parents=True, exist_ok=True)
    (root / "tests").mkdir(parents=True, exist_ok=True)
    (root / "calc" / "__init__.py").write_text("")
    (root / "calc" / "stats.py").write_text(THREE_STATS_PY)
    for path, text in THREE_TESTS.items():
        (root / path).write_text(text)
    return root
