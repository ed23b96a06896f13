"""Calls inside macro arguments (Rust token trees, C/C++ macro calls) lead to their definitions (issue 12, item 6)."""

from __future__ import annotations

from ctxutil import write

from rdebug.context.build import build_context
from rdebug.context.files import SourceFile
from rdebug.context.treesitter import parse_source
from rdebug.intake.model import Frame, Problem

MEDIAN = ("pub fn median(xs: &[i32]) -> i32 {\n    let mut v = xs.to_vec();\n    v.sort();\n"
          "    v[v.len() / 2 + 1]\n}\n")
RUST_TEST = ("    #[test]\n    fn median_odd() {\n        assert_eq!(median(&[3, 1, 2]), 2);\n    }\n")


def _snippet_with(ctx, path, text):
    return next((s for s in ctx.snippets if s.path == path and text in s.text), None)


def test_rust_calls_in_macro_token_trees_are_calls():
    code = ("fn t() {\n    assert_eq!(median(&[3, 1, 2]), 2);\n    let v = vec![stats::mean(1), x.len()];\n"
            "    println!(\"{}\", format!(\"{}\", spread(1)));\n    assert!(y[0] == 1);\n}\n")
    pf = parse_source(SourceFile("src/lib.rs", code, 0, len(code)))
    calls = dict(pf.calls_between(1, 6))
    assert calls["median"] is False and calls["mean"] is False and calls["spread"] is False
    assert calls["len"] is True  # x.len(): a method
    assert "format" not in calls and "y" not in calls  # format!(..) nested: a macro, y[0]: no call


def test_rust_callee_in_assert_eq_same_file(tmp_path):
    lib = MEDIAN + "\n" + "".join(f"pub fn pad{i}() -> i32 {{\n    {i}\n}}\n\n" for i in range(5)) \
        + "#[cfg(test)]\nmod tests {\n    use super::*;\n\n" + RUST_TEST + "}\n"
    write(tmp_path, {"Cargo.toml": "[package]\nname = \"stats\"\n", "src/lib.rs": lib})
    line = lib.splitlines().index("        assert_eq!(median(&[3, 1, 2]), 2);") + 1
    p = Problem(kind="rust", exception="panic", message="assertion `left == right` failed\n  left: 3\n right: 2",
                frames=[Frame("src/lib.rs", line, None, True)], test_id="tests::median_odd")
    ctx = build_context(p, tmp_path)
    snip = _snippet_with(ctx, "src/lib.rs", "pub fn median")
    assert snip is not None and "definition of median()" in snip.reason


def test_rust_callee_in_macro_from_another_module(tmp_path):
    test = "use stats::numbers::median;\n\n" + RUST_TEST.replace("    ", "", 1).replace("\n    ", "\n")
    write(tmp_path, {"Cargo.toml": "[package]\nname = \"stats\"\n", "src/lib.rs": "pub mod numbers;\n",
                     "src/numbers.rs": MEDIAN, "tests/median.rs": test})
    p = Problem(kind="rust", exception="panic", message="assertion `left == right` failed",
                frames=[Frame("tests/median.rs", 5, None, True)], test_id="median_odd")
    ctx = build_context(p, tmp_path)
    assert _snippet_with(ctx, "src/numbers.rs", "pub fn median") is not None


def test_c_and_cpp_calls_inside_macro_arguments(tmp_path):
    write(tmp_path, {
        "calc.h": "int add(int a, int b);\nint twice(int x);\n",
        "calc.c": '#include "calc.h"\n\nint add(int a, int b) {\n  return a - b;\n}\n\n'
                  "int twice(int x) {\n  return x * 3;\n}\n",
        "test_calc.c": '#include <assert.h>\n#include "calc.h"\n#define ASSERT_EQ(a, b) assert((a) == (b))\n\n'
                       "int main(void) {\n  ASSERT_EQ(add(1, 2), 3);\n  assert(twice(2) == 4);\n  return 0;\n}\n",
        "ops.hpp": "namespace ops {\nint neg(int x);\n}\n",
        "ops.cpp": '#include "ops.hpp"\n\nnamespace ops {\nint neg(int x) {\n  return x;\n}\n}\n',
        "ops_test.cpp": '#include "ops.hpp"\n#include <gtest/gtest.h>\n\nTEST(Ops, Neg) {\n'
                        "  EXPECT_EQ(ops::neg(1), -1);\n}\n",
    })
    c = Problem(kind="sanitizer", exception="assertion", message="Assertion `(add(1, 2)) == (3)' failed.",
                frames=[Frame("test_calc.c", 6, "main", True)])
    ctx = build_context(c, tmp_path)
    assert _snippet_with(ctx, "calc.c", "int add(int a, int b) {") is not None
    assert _snippet_with(ctx, "calc.c", "int twice(int x) {") is not None
    cpp = Problem(kind="text", message="Expected equality of these values", frames=[Frame("ops_test.cpp", 5, None, True)])
    ctx = build_context(cpp, tmp_path)
    assert _snippet_with(ctx, "ops.cpp", "int neg(int x) {") is not None
