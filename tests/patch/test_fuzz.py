"""Parsing and locating never crash on arbitrary replies (only the documented LocateError)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from helpers_patch import CART, FIX_REPLY

from rdebug.patch.edits import parse_edits
from rdebug.patch.locate import LocateError, replace_once

PIECES = ["<<<<<<< SEARCH", "=======", ">>>>>>> REPLACE", "```", "```python a.py", "--- a/x.py", "+++ b/x.py",
          "@@ -1 +1 @@", "-x", "+y", " z", "", "cart.py", "def f():", "    return 1", "\\ No newline"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=30)), max_size=40))
def test_parse_edits_never_raises(parts):
    parsed = parse_edits("\n".join(parts))
    assert parsed.edits or parsed.problems


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(FIX_REPLY)), st.integers(0, len(FIX_REPLY)))
def test_truncated_and_spliced_replies(a, b):
    parse_edits(FIX_REPLY[:a] + FIX_REPLY[b:])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.text(max_size=40))
def test_replace_once_raises_only_locate_error(search, replace):
    try:
        replace_once(CART, search, replace)
    except LocateError:
        pass
