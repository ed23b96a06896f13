from pathlib import Path

from rdebug.intake.parse import parse_failures

TRACES = Path(__file__).resolve().parent.parent / "fixtures" / "traces"


def parse_trace(name):
    return parse_failures((TRACES / name).read_text())


def where(problem):
    return [(f.path.rsplit("/", 1)[-1], f.line, f.function) for f in problem.frames]


def test_context_chain_keeps_cause_and_reports_last_exception():
    [p] = parse_trace("python/chained.txt")
    assert (p.kind, p.exception, p.message) == ("python", "LookupError", "no item 'pear'")
    assert where(p) == [("chained.py", 10, "<module>"), ("chained.py", 7, "main"), ("cart.py", 21, "price_of")]
    [cause] = p.chain
    assert (cause.exception, cause.message) == ("KeyError", "'pear'")
    assert where(cause) == [("cart.py", 19, "price_of")]


def test_direct_cause_chain():
    [p] = parse_trace("python/cause.txt")
    assert (p.exception, p.message) == ("RuntimeError", "bad price for pear")
    assert p.frames[-1].path == "/tmp/a_run/py/shop/cart.py" and p.frames[-1].line == 31
    assert [c.exception for c in p.chain] == ["ValueError"]
    assert "could not convert string to float" in p.chain[0].message


def test_plain_traceback_frames_outermost_first():
    [p] = parse_trace("python/zerodiv.txt")
    assert p.exception == "ZeroDivisionError"
    assert where(p) == [("zerodiv.py", 6, "<module>"), ("zerodiv.py", 4, "report"), ("cart.py", 15, "average_price")]


def test_syntax_error_without_traceback_header():
    [p] = parse_trace("python/syntax_err.txt")
    assert (p.exception, p.message) == ("SyntaxError", "invalid syntax")
    assert where(p) == [("syntax_err.py", 2, None)]


def test_string_and_frozen_frames_are_kept():
    [p] = parse_trace("python/exec_string.txt")
    assert p.exception == "KeyError"
    assert [f.path for f in p.frames][1:] == ["<string>", "<string>"]
    [q] = parse_trace("python/frozen_import.txt")
    assert q.exception == "ModuleNotFoundError"
    assert q.frames[-1].path == "<frozen importlib._bootstrap>"
    assert q.frames[-1].function == "_find_and_load_unlocked"


def test_doctest_failures_one_problem_per_example():
    ps = parse_trace("python/doctest.txt")
    assert [p.exception for p in ps] == ["DocTestFailure", "DocTestFailure"]
    assert [(p.frames[0].line, p.frames[0].function) for p in ps] == [(38, "cart.discount"), (40, "cart.discount")]
    assert "Expected:\n    90.0\nGot:\n    91.0" in ps[0].message


def _assert_cart_failures(ps, with_functions=True):
    assert [p.test_id for p in ps] == [
        "tests/test_cart.py::test_total", "tests/test_cart.py::test_average_empty",
        "tests/test_cart.py::test_discount", "tests/test_cart.py::test_param[2]"]
    assert [p.exception for p in ps] == ["AssertionError", "ZeroDivisionError", "AssertionError", "AssertionError"]
    assert all(p.kind == "pytest" for p in ps)
    assert ps[0].message.startswith("assert 7.0 == 6.0")
    assert ps[1].message == "division by zero"
    assert ps[1].frames[-1].path.endswith("shop/cart.py") and ps[1].frames[-1].line == 15
    if with_functions:
        assert where(ps[1])[-2:] == [("test_cart.py", 14, "test_average_empty"), ("cart.py", 15, "average_price")]
        assert where(ps[3])[-1] == ("test_cart.py", 29, "test_param")


def test_pytest_long():
    _assert_cart_failures(parse_trace("pytest/tb_long.txt"))


def test_pytest_default_auto():
    _assert_cart_failures(parse_trace("pytest/default.txt"))


def test_pytest_short():
    _assert_cart_failures(parse_trace("pytest/tb_short.txt"))


def test_pytest_native_uses_python_traceback():
    ps = parse_trace("pytest/tb_native.txt")
    _assert_cart_failures(ps)
    assert any("site-packages/_pytest" in f.path for f in ps[0].frames)


def test_pytest_line_style():
    ps = parse_trace("pytest/tb_line.txt")
    _assert_cart_failures(ps, with_functions=False)
    assert [f.line for p in ps for f in p.frames] == [10, 15, 18, 29]


def test_pytest_collection_error():
    [p] = parse_trace("pytest/collection_error.txt")
    assert (p.test_id, p.exception) == ("tests/test_broken_import.py", "ImportError")
    assert p.message.startswith("cannot import name 'Basket'")
    assert where(p)[-1] == ("test_broken_import.py", 1, "<module>")


def test_pytest_colour_output():
    ps = parse_trace("pytest/color.txt")
    assert [p.test_id for p in ps] == ["tests/test_cart.py::test_total", "tests/test_cart.py::test_discount"]
    assert ps[1].message.startswith("assert 91.0 == 90.0")


def test_pytest_doctest_modules():
    [p] = parse_trace("pytest/doctest_modules.txt")
    assert (p.test_id, p.exception) == ("shop/cart.py::shop.cart.discount", "DocTestFailure")
    assert "Got:" in p.message and p.frames[0].line == 38


def test_pytest_summary_only():
    ps = parse_failures("FAILED tests/test_a.py::TestX::test_y[1] - ZeroDivisionError: division b...\n"
                        "ERROR tests/test_b.py::test_z - assert 1 == 2\n1 failed, 1 error in 0.1s\n")
    assert [(p.test_id, p.exception) for p in ps] == [
        ("tests/test_a.py::TestX::test_y[1]", "ZeroDivisionError"), ("tests/test_b.py::test_z", "AssertionError")]
    assert where(ps[0]) == [("test_a.py", None, "test_y")]


def test_unittest_blocks():
    for name in ("unittest/unittest.txt", "unittest/unittest_verbose.txt"):
        ps = parse_trace(name)
        assert [(p.kind, p.test_id, p.exception) for p in ps] == [
            ("unittest", "tests.test_unit.CartTest.test_average", "ZeroDivisionError"),
            ("unittest", "tests.test_unit.CartTest.test_discount", "AssertionError")]
        assert ps[1].message == "91.0 != 90.0"
        assert where(ps[0]) == [("test_unit.py", 11, "test_average"), ("cart.py", 15, "average_price")]


def test_unittest_old_style_id():
    text = ("=" * 70 + "\nFAIL: test_x (pkg.mod.Case)\n" + "-" * 70 +
            '\nTraceback (most recent call last):\n  File "pkg/mod.py", line 3, in test_x\n'
            "    self.fail()\nAssertionError: boom\n\n" + "-" * 70 + "\nRan 1 test in 0.001s\n\nFAILED (failures=1)\n")
    [p] = parse_failures(text)
    assert (p.test_id, p.exception, p.message) == ("pkg.mod.Case.test_x", "AssertionError", "boom")


def test_pytest_chains_fixture_errors_class_tests_and_captured_output():
    ps = parse_trace("pytest/chained_fixture_class.txt")
    assert [(p.test_id, p.exception) for p in ps] == [
        ("tests/test_more.py::test_uses_missing_fixture", None),
        ("tests/test_more.py::TestCart::test_price_of_missing", "LookupError"),
        ("tests/test_more.py::test_bad_prices", "RuntimeError")]
    assert ps[0].message == "fixture 'prices' not found"
    assert where(ps[0]) == [("test_more.py", 10, "test_uses_missing_fixture")]
    assert where(ps[1]) == [("test_more.py", 7, "test_price_of_missing"), ("cart.py", 21, "price_of")]
    assert [(c.exception, where(c)) for c in ps[1].chain] == [("KeyError", [("cart.py", 19, "price_of")])]
    assert [(c.exception, c.message) for c in ps[2].chain] == [("ValueError", "could not convert string to float: 'x'")]


def test_exception_group_box_drawing():
    [p] = parse_trace("python/exception_group.txt")
    assert (p.exception, p.message) == ("ExceptionGroup", "invalid prices (2 sub-exceptions)")
    assert where(p) == [("exc_group.py", 7, "<module>"), ("exc_group.py", 4, "validate")]
