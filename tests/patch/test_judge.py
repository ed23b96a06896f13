"""Per-test outcomes from each runner's report, and the test-by-test verdict."""

from rdebug.patch.judge import judge, matches
from rdebug.intake.testfiles import edited_tests
from rdebug.patch.testreport import TestOutcomes, instrument, parse_output
from rdebug.intake.model import Frame, Problem

GO = """=== RUN   TestAdd
--- FAIL: TestAdd (0.00s)
=== RUN   TestSub
--- PASS: TestSub (0.00s)
=== RUN   TestTable
    --- PASS: TestTable/zero (0.00s)
    --- SKIP: TestTable/later (0.00s)
FAIL
"""
CARGO = """running 3 tests
test tests::adds ... FAILED
test tests::subs ... ok
test tests::slow ... ignored, takes a minute
"""
UNITTEST = """test_add (test_calc.TestAdd.test_add) ... FAIL
test_sub (test_calc.TestAdd.test_sub) ... ok
test_doc (test_calc.TestAdd.test_doc)
A docstring line ... skipped 'later'
test_old (test_calc.TestAdd) ... expected failure
"""


def test_runner_outputs_give_per_test_outcomes():
    assert parse_output("go", GO).tests == {"TestAdd": "failed", "TestSub": "passed", "TestTable/zero": "passed",
                                            "TestTable/later": "skipped"}
    assert parse_output("cargo", CARGO).tests == {"tests::adds": "failed", "tests::subs": "passed",
                                                  "tests::slow": "skipped"}
    assert parse_output("unittest", UNITTEST).tests == {
        "test_calc.TestAdd.test_add": "failed", "test_calc.TestAdd.test_sub": "passed",
        "test_calc.TestAdd.test_doc": "skipped", "test_calc.TestAdd.test_old": "skipped"}


def test_instrument_adds_the_reports(tmp_path):
    report = tmp_path / "r.xml"
    assert instrument(["python", "-m", "pytest", "-q"], report).argv[-5:] == [
        f"--junitxml={report}", "-o", "junit_family=xunit1", "-p", "no:cacheprovider"]
    assert instrument(["go", "test", "./..."], report).argv == ["go", "test", "-v", "./..."]
    assert instrument(["python", "-m", "unittest", "discover"], report).argv[-1] == "-v"
    assert instrument(["npm", "test"], report).runner is None


def test_ids_match_across_spellings():
    assert matches("tests/test_x.py::TestC::test_y", "tests/test_x.py::TestC::test_y")
    assert matches("test_x.py::test_y", "tests/test_x.py::test_y")  # another rootdir
    assert matches("tests/test_x.py::test_y", "tests/test_x.py::test_y[1-2]")
    assert not matches("tests/test_x.py::test_y[1]", "tests/test_x.py::test_y[2]")
    assert not matches("tests/test_x.py::test_y", "tests/test_x.py::test_yy")
    assert matches("tests/test_x.py", "tests/test_x.py::test_y")
    assert matches("test_add (test_calc.TestAdd)", "test_calc.TestAdd.test_add")
    assert matches("tests::adds", "mycrate::tests::adds")


def _o(**tests):
    return TestOutcomes({k.replace("__", "::"): v for k, v in tests.items()}, "test")


def test_judge_test_by_test():
    before = _o(a__t1="failed", b__t2="failed", c__t3="passed")
    assert judge(before, _o(a__t1="passed", b__t2="failed", c__t3="passed"), ["a::t1"]).passed
    broke = judge(before, _o(a__t1="passed", b__t2="failed", c__t3="failed"), ["a::t1"])
    assert not broke.passed and broke.regressions == ["c::t3"]
    skipped = judge(before, _o(a__t1="skipped", b__t2="failed", c__t3="passed"), ["a::t1"])
    assert not skipped.passed and "skipped (not passed): a::t1" in skipped.reason
    gone = judge(before, _o(b__t2="failed", c__t3="passed"), ["a::t1"])
    assert not gone.passed and "did not run: a::t1" in gone.reason and "fewer tests ran" in gone.reason
    assert not judge(before, _o(), ["a::t1"]).passed
    # no target known: every test failing before must pass
    assert not judge(before, _o(a__t1="passed", b__t2="failed", c__t3="passed")).passed


def test_test_files_are_recognised():
    problem = Problem("pytest", test_id="checks/check_calc.py::test_add",
                      frames=[Frame("checks/check_calc.py", 3, "test_add", in_repo=True)])
    paths = ["calc.py", "tests/helpers.py", "conftest.py", "src/app.test.ts", "pkg/x_test.go", "test_a.py",
             "checks/check_calc.py", "attestation.py"]
    assert edited_tests(paths, problem) == ["checks/check_calc.py", "conftest.py", "pkg/x_test.go", "src/app.test.ts",
                                          "test_a.py", "tests/helpers.py"]
