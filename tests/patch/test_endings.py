"""Mixed CRLF/LF files keep each line's own ending through a patch (issue 12, item 4)."""

from helpers_patch import make_repo

from rdebug.patch.apply import apply_patch
from rdebug.patch.compose import build_patch
from rdebug.patch.edits import parse_edits
from rdebug.patch.scratch import write_patch

MIXED = b"def f(x):\r\n    y = x + 1\n    return y\r\n\r\n\ndef g():\n    return 2\n"
REPLY = "m.py\n<<<<<<< SEARCH\n    y = x + 1\n=======\n    y = x - 1\n    z = 0\n>>>>>>> REPLACE\n"


def test_one_line_fix_keeps_every_other_line_ending_byte_for_byte(tmp_path):
    root = make_repo(tmp_path / "r", {})
    (root / "m.py").write_bytes(MIXED)
    built = build_patch(root, parse_edits(REPLY).edits)
    assert built.patch is not None, built.problems
    new = built.patch.files["m.py"][1].encode()
    # the changed line keeps its LF, the added line takes its neighbour's, every other line is untouched
    assert new == MIXED.replace(b"    y = x + 1\n", b"    y = x - 1\n    z = 0\n")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    write_patch(scratch, built.patch)
    assert (scratch / "m.py").read_bytes() == new
    apply_patch(root, built.patch, {})
    assert (root / "m.py").read_bytes() == new


def test_all_crlf_file_stays_all_crlf_and_new_lines_get_crlf():
    from rdebug.patch.endings import restore_endings

    old = "a\r\nb\r\nc\r\n"
    assert restore_endings(old, "a\nB\nX\nc\n") == "a\r\nB\r\nX\r\nc\r\n"
    assert restore_endings(old, "new top\na\nb\nc\nnew end\n") == "new top\r\na\r\nb\r\nc\r\nnew end\r\n"


def test_last_line_without_newline_and_unchanged_text_roundtrip():
    from rdebug.patch.endings import restore_endings, split_endings

    old = "a\r\nb\nc"
    assert restore_endings(old, old.replace("\r\n", "\n")) == old
    assert restore_endings(old, "a\nb\nc2") == "a\r\nb\nc2"
    assert split_endings(old) == (["a", "b", "c"], ["\r\n", "\n", ""])


def test_lf_only_file_is_unchanged():
    from rdebug.patch.endings import restore_endings

    assert restore_endings("a\nb\n", "a\nc\n") == "a\nc\n"
