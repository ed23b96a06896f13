from pathlib import Path

from rdebug.intake.parse import parse_failures

TRACES = Path(__file__).resolve().parent.parent / "fixtures" / "traces"


def parse_trace(name):
    return parse_failures((TRACES / name).read_text())


def where(problem):
    return [(f.path.rsplit("/", 1)[-1], f.line, f.function) for f in problem.frames]


def test_node_uncaught_error():
    [p] = parse_trace("node/crash.txt")
    assert (p.kind, p.exception, p.message) == ("node", "RangeError", "mean of empty list")
    assert where(p)[-3:] == [("crash.js", 8, "Object.<anonymous>"), ("crash.js", 5, "summarize"), ("stats.js", 5, "mean")]
    assert p.frames[-1].column == 11
    assert p.frames[0].path == "node:internal/main/run_main_module" and p.frames[0].external


def test_node_anonymous_frame_without_function():
    [p] = parse_trace("node/typeerror.txt")
    assert p.exception == "TypeError" and "reading 'name'" in p.message
    assert where(p)[-2:] == [("typeerror.js", 4, None), ("stats.js", 11, "describe")]


def test_node_esm_file_urls():
    [p] = parse_trace("node/esm.txt")
    assert [f.path for f in p.frames if f.path.endswith(".mjs")] == ["/tmp/a_run/node/esm.mjs"] * 2
    assert where(p)[-2:] == [("esm.mjs", 6, "run"), ("stats.js", 5, "mean")]


def test_node_async_error():
    [p] = parse_trace("node/async_reject.txt")
    assert p.exception == "SyntaxError" and "is not valid JSON" in p.message
    assert where(p) == [("async_reject.js", 5, "loadConfig")]


def test_jest_blocks():
    ps = parse_trace("node/jest.txt")
    assert [(p.kind, p.test_id, p.exception) for p in ps] == [
        ("jest", "stats > mean of two numbers", "AssertionError"), ("jest", "stats > mean of empty", "RangeError")]
    assert "Expected: 3" in ps[0].message and "Received: 2" in ps[0].message
    assert "|" not in ps[0].message  # the code frame is not part of the message
    assert where(ps[0]) == [("stats.test.js", 5, "Object.toBe")]
    assert where(ps[1]) == [("stats.test.js", 9, "Object.mean"), ("stats.js", 5, "mean")]
    assert ps[1].frames[0].path == "jest/stats.test.js"


def test_mocha_blocks():
    ps = parse_trace("node/mocha.txt")
    assert [(p.kind, p.test_id, p.exception) for p in ps] == [
        ("mocha", "stats computes the mean", "AssertionError"), ("mocha", "stats describes a user", "TypeError")]
    assert "2 !== 3" in ps[0].message
    assert where(ps[1])[-2:] == [("stats.spec.js", 10, "Context.<anonymous>"), ("stats.js", 11, "describe")]


def test_node_test_runner_tap_and_spec():
    for name in ("node/node_test.txt", "node/node_test_spec.txt"):
        ps = parse_trace(name)  # the spec reporter repeats failures at the end: deduplicated
        assert [(p.test_id, p.exception) for p in ps] == [
            ("mean of two numbers", "AssertionError"), ("describe user", "TypeError")], name
        assert "2 !== 3" in ps[0].message
        assert where(ps[0])[-1] == ("stats.test.js", 7, "TestContext.<anonymous>")
        assert where(ps[1])[-2:] == [("stats.test.js", 11, "TestContext.<anonymous>"), ("stats.js", 11, "describe")]


def test_windows_file_url_and_bare_frames():
    text = ("Error: boom\n    at file:///C:/work/app/src/main.mjs:3:9\n"
            "    at async Promise.all (index 0)\n    at load (C:\\work\\app\\src\\load.js:10:5)\n")
    [p] = parse_failures(text)
    assert [(f.path, f.line, f.column) for f in p.frames] == [
        ("C:\\work\\app\\src\\load.js", 10, 5), ("C:/work/app/src/main.mjs", 3, 9)]


def test_jest_block_without_stack_uses_code_frame_and_file():
    text = ("FAIL src/sum.test.js\n  ● sum › adds\n\n    expect(received).toBe(expected)\n\n"
            "      3 | test('adds', () => {\n    > 4 |   expect(sum(1, 2)).toBe(4);\n        |                     ^\n"
            "      5 | });\n\nTests:       1 failed, 1 total\n")
    [p] = parse_failures(text)
    assert (p.kind, p.test_id, p.exception) == ("jest", "sum > adds", "AssertionError")
    assert [(f.path, f.line) for f in p.frames] == [("src/sum.test.js", 4)]
