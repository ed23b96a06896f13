"""Skipped files are noted: binary, larger than 1 MB, not UTF-8."""

from __future__ import annotations

from rdebug.context.files import FileReader

from ctxutil import write


def test_binary_huge_and_non_utf8(tmp_path):
    write(tmp_path, {"bin.py": b"\x00\x01\x02abc", "huge.py": "x = 1\n" * 200_000,
                     "latin.py": "s = 'caf\xe9'\n".encode("latin-1"), "ok.py": "x = 1\n"})
    r = FileReader(tmp_path)
    assert r.read("bin.py") is None and r.read("huge.py") is None
    latin = r.read("latin.py")
    assert latin is not None and "\ufffd" in latin.text
    assert r.read("ok.py").lines == ["x = 1"]
    assert r.read("missing.py") is None
    notes = "\n".join(r.notes)
    assert "bin.py: binary file" in notes
    assert "huge.py: larger than 1 MB" in notes
    assert "latin.py: not valid UTF-8" in notes
    assert len(r.notes) == 3


def test_quiet_reads_leave_no_note(tmp_path):
    write(tmp_path, {"bin.py": b"\x00\x00"})
    r = FileReader(tmp_path)
    assert r.read("bin.py", quiet=True) is None and r.notes == []
