from pathlib import Path

from rdebug.intake.parse import parse_failures

TRACES = Path(__file__).resolve().parent.parent / "fixtures" / "traces"


def read(name):
    return (TRACES / name).read_text()


def test_unknown_and_empty_input():
    assert parse_failures("") == []
    assert parse_failures("all good\nnothing failed here\n") == []
    assert parse_failures("ERROR root.db - connection refused\n") == []


def test_order_follows_the_text_across_languages():
    text = read("go/panic.txt") + "\n" + read("python/zerodiv.txt") + "\n" + read("java/index_oob.txt")
    assert [p.kind for p in parse_failures(text)] == ["go", "python", "java"]


def test_ansi_and_crlf_are_normalised():
    text = "\x1b[31mTraceback (most recent call last):\x1b[0m\r\n  File \"a.py\", line 2, in f\r\n    x()\r\n" \
           "\x1b[1mNameError\x1b[0m: name 'x' is not defined\r\n"
    [p] = parse_failures(text)
    assert (p.exception, p.message, p.frames[0].path, p.frames[0].line) == (
        "NameError", "name 'x' is not defined", "a.py", 2)


def test_repeated_trace_is_reported_once():
    text = read("node/crash.txt")
    assert len(parse_failures(text + "\n" + text)) == 1


def test_runner_blocks_win_over_generic_parsers():
    ps = parse_failures(read("unittest/unittest.txt"))
    assert {p.kind for p in ps} == {"unittest"}
    ps = parse_failures(read("pytest/tb_native.txt"))
    assert {p.kind for p in ps} == {"pytest"} and len(ps) == 4


def test_raw_holds_the_source_lines_and_json_round_trips():
    [p] = parse_failures(read("python/chained.txt"))
    assert p.raw.startswith("Traceback") and p.raw.rstrip().endswith("LookupError: no item 'pear'")
    data = p.to_json()
    assert data["exception"] == "LookupError" and data["chain"][0]["exception"] == "KeyError"
