from pathlib import Path

from rdebug.intake.parse import parse_failures

TRACES = Path(__file__).resolve().parent.parent / "fixtures" / "traces"


def parse_trace(name):
    return parse_failures((TRACES / name).read_text())


def where(problem):
    return [(f.path.rsplit("/", 1)[-1], f.line, f.function) for f in problem.frames]


def test_go_panic():
    [p] = parse_trace("go/panic.txt")
    assert (p.kind, p.exception, p.message) == ("go", "panic", "runtime error: integer divide by zero")
    assert where(p) == [("main.go", 11, "main.main"), ("inventory.go", 14, "inventory.Ratio")]


def test_go_test_failures_and_recovered_panic():
    ps = parse_trace("go/go_test.txt")
    assert [(p.test_id, p.exception) for p in ps] == [("TestTake", None), ("TestNth", "panic")]
    assert ps[0].message == "Take(apple, 1) = 2, want 1"
    assert ps[0].frames[0].path == "example.com/inv/inventory/inventory_test.go"
    assert ps[0].frames[0].raw_path == "inventory_test.go" and ps[0].frames[0].line == 8
    assert ps[1].message == "runtime error: index out of range [2] with length 2"
    assert where(ps[1])[-2:] == [("inventory_test.go", 13, "inventory.TestNth"), ("inventory.go", 19, "inventory.Nth")]
    assert ps[1].frames[0].external  # testing.tRunner in GOROOT


def test_go_test_verbose():
    [p] = parse_trace("go/go_test_v.txt")
    assert (p.test_id, p.message) == ("TestTake", "Take(apple, 1) = 2, want 1")


def test_rust_panic_new_format():
    [p] = parse_trace("rust/panic.txt")
    assert (p.kind, p.exception) == ("rust", "panic")
    assert p.message == "index out of bounds: the len is 2 but the index is 5"
    assert [(f.path, f.line, f.column) for f in p.frames] == [("src/lib.rs", 10, 5)]


def test_rust_backtrace_frames():
    [p] = parse_trace("rust/panic_backtrace.txt")
    assert where(p)[-2:] == [("main.rs", 5, "ledger::main"), ("lib.rs", 10, "ledger::entry")]
    assert p.frames[0].external  # FnOnce::call_once in /rustc/


def test_rust_old_panic_format():
    text = "thread 'main' panicked at 'attempt to divide by zero', src/main.rs:5:9\nnote: run with ...\n"
    [p] = parse_failures(text)
    assert (p.message, p.frames[0].path, p.frames[0].line) == ("attempt to divide by zero", "src/main.rs", 5)


def test_cargo_test_failures():
    for name in ("rust/cargo_test.txt", "rust/cargo_test_verbose.txt"):
        ps = {p.test_id: p for p in parse_trace(name)}
        assert set(ps) == {"tests::balance_adds_up", "tests::parses_amounts"}
        bal = ps["tests::balance_adds_up"]
        assert bal.message.startswith("assertion `left == right` failed") and "left: 7" in bal.message
        assert (bal.frames[-1].line, bal.frames[-1].path.endswith("src/lib.rs")) == (19, True)
        assert "ParseIntError" in ps["tests::parses_amounts"].message


def test_java_caused_by_and_more():
    [p] = parse_trace("java/caused_by.txt")
    assert (p.kind, p.exception, p.message) == ("java", "java.lang.IllegalArgumentException", "bad amount: 1.5x")
    assert [(f.path, f.line, f.function) for f in p.frames] == [
        ("com/acme/billing/Main.java", 14, "Main.main"), ("com/acme/billing/Main.java", 7, "Main.load"),
        ("com/acme/billing/Invoice.java", 28, "Invoice.parseCents")]
    [cause] = p.chain
    assert cause.exception == "java.lang.NumberFormatException"
    # "... 2 more" is filled in from the enclosing trace
    assert [f.function for f in cause.frames][:3] == ["Main.main", "Main.load", "Invoice.parseCents"]
    assert cause.frames[-1].external and cause.frames[-1].raw_path == "NumberFormatException.java"


def test_java_library_frames_are_external():
    [p] = parse_trace("java/index_oob.txt")
    assert [f.external for f in p.frames] == [False, False, True, True]


def test_surefire_blocks():
    for name in ("java/mvn_test.txt", "java/mvn_test_q.txt"):
        ps = parse_trace(name)
        assert [(p.test_id, p.exception) for p in ps] == [
            ("com.acme.billing.InvoiceTest.parsesSmallAmounts", "org.opentest4j.AssertionFailedError"),
            ("com.acme.billing.InvoiceTest.totalAddsAmounts", "java.lang.IndexOutOfBoundsException")]
        assert ps[0].message == "expected: <5> but was: <4>"
        repo = [f for f in ps[1].frames if not f.external]
        assert [(f.path, f.line) for f in repo] == [
            ("com/acme/billing/InvoiceTest.java", 11), ("com/acme/billing/Invoice.java", 15)]


def test_surefire_old_format():
    text = ("[ERROR] testTotal(com.acme.InvoiceTest)  Time elapsed: 0.01 s  <<< FAILURE!\n"
            "java.lang.AssertionError: expected:<3> but was:<4>\n"
            "\tat org.junit.Assert.fail(Assert.java:89)\n"
            "\tat com.acme.InvoiceTest.testTotal(InvoiceTest.java:12)\n\n")
    [p] = parse_failures(text)
    assert (p.test_id, p.exception) == ("com.acme.InvoiceTest.testTotal", "java.lang.AssertionError")
    assert (p.frames[0].path, p.frames[0].line) == ("com/acme/InvoiceTest.java", 12)


def test_asan_heap_buffer_overflow():
    [p] = parse_trace("sanitizer/asan_heap_overflow.txt")
    assert (p.kind, p.exception) == ("sanitizer", "AddressSanitizer: heap-buffer-overflow")
    assert "READ of size 4" in p.message
    assert where(p)[-2:] == [("buffer.c", 16, "main"), ("buffer.c", 8, "sum_scores")]
    assert p.frames[0].external  # libc start
    assert any("allocated" in n and "buffer.c:14" in n for n in p.notes)


def test_asan_use_after_free_cpp():
    [p] = parse_trace("sanitizer/asan_use_after_free.txt")
    assert p.exception == "AddressSanitizer: heap-use-after-free"
    assert where(p)[-1] == ("uaf.cpp", 9, "read_value(Node*)")
    assert any(n.startswith("freed") and "uaf.cpp:14" in n for n in p.notes)


def test_ubsan_runtime_error():
    [p] = parse_trace("sanitizer/ubsan_overflow.txt")
    assert p.exception == "UndefinedBehaviorSanitizer"
    assert p.message.startswith("runtime error: signed integer overflow")
    assert [(f.path, f.line, f.column) for f in p.frames] == [("overflow.c", 5, 14)]


def test_clang_style_asan_with_columns():
    text = ("==1==ERROR: AddressSanitizer: stack-buffer-overflow on address 0x1 at pc 0x2 bp 0x3 sp 0x4\n"
            "WRITE of size 1 at 0x1 thread T0\n"
            "    #0 0x4f5 in copy /src/app/str.c:12:5\n    #1 0x4f6 in main /src/app/main.c:3:1\n"
            "    #2 0x7f in __libc_start_main (/lib/x86_64-linux-gnu/libc.so.6+0x21b96)\n\n")
    [p] = parse_failures(text)
    assert [(f.path, f.line, f.column, f.function) for f in p.frames] == [
        ("/src/app/main.c", 3, 1, "main"), ("/src/app/str.c", 12, 5, "copy")]


def test_compile_errors():
    [rs] = parse_trace("compile/cargo_build.txt")
    assert (rs.kind, rs.exception, rs.message) == ("compile", "error[E0277]", "cannot add `&str` to `i64`")
    assert [(f.path, f.line, f.column) for f in rs.frames] == [("src/lib.rs", 6, 33)]
    [go_err] = parse_trace("compile/go_build.txt")
    assert (go_err.message, go_err.frames[0].path, go_err.frames[0].line) == ("undefined: nam", "inventory/inventory.go", 9)
    [jv] = parse_trace("compile/javac.txt")
    assert jv.message.startswith("incompatible types") and jv.frames[0].line == 13
    cc = parse_trace("compile/gcc.txt")
    assert [(p.frames[0].path, p.frames[0].line, p.frames[0].column) for p in cc][:2] == [("buffer.c", 7, 5), ("buffer.c", 7, 21)]
    [ts] = parse_failures("src/app.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.\n")
    assert (ts.exception, ts.frames[0].path, ts.frames[0].column) == ("error TS2322", "src/app.ts", 7)
