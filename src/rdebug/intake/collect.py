"""``gather``: from a command, a pasted trace, free text or the detected tests to a list of problems."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from rdebug.errors import CommandError, IntakeError
from rdebug.intake import detect
from rdebug.intake.freetext import problem_from_text
from rdebug.intake.model import CommandResult, IntakeRequest, Problem  # noqa: F401 - IntakeRequest re-exported
from rdebug.intake.parse import parse_failures
from rdebug.intake.parsers import hang
from rdebug.intake.pathmap import PathMapper
from rdebug.intake.runner import run_command
from rdebug.intake.summary import summarize

EXPECTED = ("a Python traceback or pytest/unittest output, a Node.js/Jest/Mocha stack, a Go panic or "
            "`go test` failure, a Rust panic or `cargo test` failure, a Java stack trace or Maven output, "
            "or a sanitizer report")
OUTPUT_TAIL_LINES = 40
OUTSIDE_NOTE = "no frame of this trace is inside the repository; it may come from another checkout"


@dataclass
class IntakeResult:
    problems: list[Problem]
    source: str  # "command", "tests", "stdin", "file", "text"
    command: list[str] | None  # the command that reproduces the failure, when known
    command_result: CommandResult | None
    message: str  # one line for the user


def _finish(problems: list[Problem], mapper: PathMapper) -> list[Problem]:
    mapper.map(problems)
    for prob in problems:
        if mapper.root is not None:
            hang.describe(prob, mapper.root)
        if prob.frames and not prob.repo_frames and OUTSIDE_NOTE not in prob.notes:
            prob.notes.append(OUTSIDE_NOTE)
    return problems


def _output_problem(result: CommandResult) -> Problem:
    tail = "\n".join(result.output.rstrip().splitlines()[-OUTPUT_TAIL_LINES:])
    code = "timed out" if result.timed_out else f"exit code {result.exit_code}"
    return Problem(kind="output", message=tail or f"the command failed ({code}) without output",
                   raw=result.output[-20_000:], notes=[f"{shlex.join(result.argv)}: {code}"])


def _timed_out(result: CommandResult, argv: list[str], req: IntakeRequest, source: str,
               mapper: PathMapper) -> IntakeResult:
    """A hang is a failure to debug: the stacks faulthandler dumped, else the test the runner named."""
    shown = shlex.join(argv)
    after = f"`{shown}` timed out after {req.timeout_s:g} s"
    problems = [hang.as_hang(p) for p in parse_failures(result.output)]
    hangs = [p for p in problems if p.kind == hang.HANG]
    if hangs:  # pytest's Timeout dump and the one rdebug asked for at the kill show the same hang
        problems = [p for p in problems if p.kind != hang.HANG] + hangs[:1]
    python_cmd = detect.is_pytest(argv) or Path(argv[0]).name.startswith("python")
    test = None if hangs else hang.hung_test(result.output)
    for prob in problems:  # e.g. Go's "panic: test timed out": debug it with the test that hung
        if test and not prob.test_id:
            prob.test_id = test
            prob.notes.append(f"timed out while running {test}")
    if not problems:
        if test is None and (python_cmd or not result.output.strip()):
            raise CommandError(f"{after} and printed no stack to debug (raise it with --timeout)")
        prob = _output_problem(result)
        prob.kind, prob.test_id = hang.HANG, test
        prob.message = f"timed out while running {test}" if test else prob.message
        prob.notes.append(f"timed out after {req.timeout_s:g} s")
        problems = [prob]
    _finish(problems, mapper)
    if all(p.kind == hang.HANG and p.frames and not p.repo_frames and not p.test_id for p in problems):
        raise CommandError(f"{after}, {problems[0].title.removeprefix('timed out ')} outside the repository "
                           f"(raise it with --timeout)")
    first = hangs[0].title.removeprefix("timed out ") if hangs else ": " + problems[0].title.splitlines()[0]
    return IntakeResult(problems, source, argv, result, f"{after} {first}".replace(" : ", ": "))


def _run(argv: list[str], req: IntakeRequest, source: str, mapper: PathMapper) -> IntakeResult:
    argv = detect.with_hang_dump(argv, req.timeout_s)  # a hanging pytest test prints its stacks
    try:
        result = run_command(argv, req.root, timeout_s=req.timeout_s)
    except CommandError as exc:
        if source == "tests":
            raise CommandError(f"{exc.message} (set the test command with --test-cmd, "
                               f"or run `rdebug -- CMD ARGS`)") from exc
        raise
    shown = shlex.join(argv)
    if result.timed_out:
        return _timed_out(result, argv, req, source, mapper)
    if "No module named pytest" in result.output and detect.is_pytest(argv):
        raise CommandError(f"pytest is not installed for {argv[0]} (install it, or set --test-cmd)")
    problems = parse_failures(result.output)
    if source == "tests" and result.exit_code == 5 and not problems:  # pytest/unittest: no tests ran
        raise CommandError(f"`{shown}` ran no tests (set the test command with --test-cmd)")
    summary = summarize(result.output)
    if result.passed and (source == "tests" or not problems):
        msg = "all tests passed" if source == "tests" else f"`{shown}` succeeded: nothing failed"
        return IntakeResult([], source, argv, result, f"{msg} ({summary})" if summary else msg)
    if not problems:
        problems = [_output_problem(result)]
    _finish(problems, mapper)
    if result.passed:
        message = f"`{shown}` exited 0 but printed {len(problems)} error(s)"
    else:
        message = summary or f"`{shown}` failed (exit code {result.exit_code}): {len(problems)} problem(s)"
    return IntakeResult(problems, source, argv, result, message)


def _pytest_ids(ids: list[str], mapper: PathMapper | None) -> list[str] | None:
    """Node ids with their file part resolved in the repo (the trace may come from another rootdir)."""
    out = []
    for tid in ids:
        path, sep, rest = tid.partition("::")
        if not path.endswith(".py"):
            return None
        resolved = mapper.resolve(path) if mapper else path
        if resolved is None:
            return None
        out.append(resolved + sep + rest)
    return out


def command_for(problems: list[Problem], test_cmd: list[str] | None,
                mapper: PathMapper | None = None) -> list[str] | None:
    """A command that reruns just the failing tests, when the runner allows naming them."""
    if not test_cmd:
        return None
    ids = list(dict.fromkeys(p.test_id for p in problems if p.test_id))
    node_ids = _pytest_ids(ids, mapper) if detect.is_pytest(test_cmd) and ids else None
    if node_ids:
        return [*test_cmd, *node_ids]
    if test_cmd[:2] == ["go", "test"] and ids and all(t.startswith("Test") for t in ids):
        names = "|".join(sorted({t.split("/")[0] for t in ids}))
        return [*test_cmd, "-run", f"^({names})$"]
    if test_cmd[:2] == ["cargo", "test"] and len(ids) == 1 and "::" in ids[0]:
        return [*test_cmd, ids[0]]
    return test_cmd


def gather(req: IntakeRequest) -> IntakeResult:
    """Collect the problems to debug. Precedence: command > trace text > free text > detected tests."""
    root = Path(req.root)
    mapper = PathMapper(root)
    if req.command:
        return _run(list(req.command), req, "command", mapper)
    test_cmd = req.test_cmd or None
    if req.trace_text is not None:
        source = "stdin" if req.trace_source in (None, "stdin", "-") else "file"
        where = "stdin" if source == "stdin" else req.trace_source
        if not req.trace_text.strip():
            raise IntakeError(f"empty input: no trace on {where}" if source == "stdin"
                              else f"empty input: {where} is empty")
        problems = parse_failures(req.trace_text)
        if not problems:
            seeds = mapper.files_in_text(req.trace_text)
            if not seeds:
                raise IntakeError(f"no failure found in {where}: expected {EXPECTED}")
            problems = [problem_from_text(req.trace_text, root, mapper)]
        _finish(problems, mapper)
        test_cmd = test_cmd or detect.detect_test_command(root)
        if test_cmd and any(p.kind == hang.HANG for p in problems):
            test_cmd = detect.with_hang_dump(test_cmd, req.timeout_s)
        message = f"{len(problems)} problem(s) from {where}"
        return IntakeResult(problems, source, command_for(problems, test_cmd, mapper), None, message)
    if req.free_text and req.free_text.strip():
        prob = problem_from_text(req.free_text, root, mapper)
        test_cmd = test_cmd or detect.detect_test_command(root)
        seeds = f"; files named: {', '.join(prob.seeds)}" if prob.seeds else ""
        return IntakeResult([prob], "text", test_cmd, None, f"problem described in words{seeds}")
    argv = test_cmd or detect.detect_test_command(root)
    if not argv:
        raise CommandError(f"no tests found in {root}: pass --test-cmd 'CMD', or run `rdebug -- CMD ARGS`, "
                           "or pipe a trace into rdebug")
    return _run(argv, req, "tests", mapper)
