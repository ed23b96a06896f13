"""Showing a packed context: the prompt text the model sees, and a Rich view for the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdebug.context.languages import fence_for
from rdebug.context.model import PackedContext, Snippet
from rdebug.intake.model import Problem

if TYPE_CHECKING:
    from rich.console import RenderableType

MAX_RAW_LINES = 40
MAX_RAW_CHARS = 3000


def _fence(text: str) -> str:
    """A backtick fence longer than any run inside ``text``."""
    longest, run = 0, 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    return "`" * max(3, longest + 1)


def trim_raw(raw: str) -> str:
    """The tail of a command's output: the last lines, at most a few thousand characters."""
    lines = raw.rstrip("\n").splitlines()
    out = "\n".join(lines[-MAX_RAW_LINES:])
    if len(out) > MAX_RAW_CHARS:
        out = out[-MAX_RAW_CHARS:].split("\n", 1)[-1]
    if len(lines) > MAX_RAW_LINES or len(out) < len(raw.rstrip("\n")):
        out = "[... earlier output trimmed ...]\n" + out
    return out


def snippet_header(s: Snippet) -> str:
    if s.is_note:
        return f"### {s.path} — {s.reason}"
    span = f"line {s.start_line}" if s.start_line == s.end_line else f"lines {s.start_line}-{s.end_line}"
    return f"### {s.path} ({span}) — {s.reason}"


def format_snippet(s: Snippet) -> str:
    """One snippet as the model sees it: header, then a fenced block with numbered, marked lines."""
    numbered = s.numbered_lines()
    if s.is_note:
        body = s.text
        lang = "diff" if s.kind in ("diff", "log") else "text"
    else:
        width = len(str(max((n or 0) for n, _ in numbered) if numbered else 0))
        marked = set(s.marked_lines)
        rows: list[str] = []
        prev = None
        for n, text in numbered:
            if prev is not None and n is not None and n > prev + 1:
                rows.append(" " * (width + 2) + " | ...")
            rows.append(f"{'>>' if n in marked else '  '}{n:>{width}} | {text}".rstrip())
            prev = n
        body = "\n".join(rows)
        lang = fence_for(s.language)
    fence = _fence(body)
    return f"{snippet_header(s)}\n{fence}{lang}\n{body}\n{fence}"


def _frame_line(f) -> str:
    where = f"{f.path}:{f.line}" if f.line else f.path
    tail = f" in {f.function}" if f.function else ""
    tag = "" if f.in_repo else " (external)" if f.external else " (outside the repository)"
    return f"  {where}{tail}{tag}"


def format_problem(p: Problem, raw: bool = True) -> str:
    """The problem statement: exception, message, test, frames (repo paths), causes, trimmed output."""
    out = ["## Problem", f"Kind: {p.kind}"]
    if p.exception:
        out.append(f"Exception: {p.exception}")
    if p.message:
        out.append(f"Message: {p.message}")
    if p.test_id:
        out.append(f"Failing test: {p.test_id}")
    if p.frames:
        out.append("Frames (outermost first, failing last):")
        out += [_frame_line(f) for f in p.frames]
    for cause in p.chain:
        out.append(f"Caused by / during handling of: {cause.title}")
        out += [_frame_line(f) for f in cause.frames[-3:]]
    if p.seeds:
        out.append("Files mentioned: " + ", ".join(p.seeds))
    if raw and p.raw.strip():
        text = trim_raw(p.raw)
        fence = _fence(text)
        out += ["Output:", f"{fence}text", text, fence]
    return "\n".join(out)


def format_for_prompt(ctx: PackedContext) -> str:
    """The text block the model sees: the problem, then each snippet in priority order."""
    parts = [format_problem(ctx.problem)]
    if ctx.snippets:
        parts.append("## Code context (>> marks failing lines)")
        parts += [format_snippet(s) for s in ctx.snippets]
    return "\n\n".join(parts) + "\n"


def render_context(ctx: PackedContext) -> "RenderableType":
    """A readable terminal view: problem table, snippets with reasons and tokens, token meter, notes."""
    from rich.console import Group
    from rich.progress_bar import ProgressBar
    from rich.table import Table
    from rich.text import Text

    p = ctx.problem
    prob = Table.grid(padding=(0, 1))
    prob.add_column(style="bold")
    prob.add_column()
    prob.add_row("problem", Text(p.title))
    if p.test_id:
        prob.add_row("test", Text(p.test_id))
    for f in p.frames[-6:]:
        prob.add_row("frame", Text(_frame_line(f).strip(), style="" if f.in_repo else "dim"))
    snips = Table(title="context", expand=True)
    for col, kw in (("#", {"justify": "right"}), ("where", {}), ("reason", {"ratio": 1}),
                    ("tokens", {"justify": "right"})):
        snips.add_column(col, **kw)
    for i, s in enumerate(ctx.snippets, 1):
        where = s.path if s.is_note else f"{s.path}:{s.start_line}-{s.end_line}"
        snips.add_row(str(i), Text(where), Text(s.reason), str(s.tokens))
    for s in ctx.dropped:
        snips.add_row("-", Text(f"{s.path}:{s.start_line}-{s.end_line}", style="dim"),
                      Text(f"dropped: {s.reason}", style="dim"), Text(str(s.tokens), style="dim"))
    share = ctx.used_tokens / ctx.budget_tokens if ctx.budget_tokens else 0
    meter = Table.grid(padding=(0, 1))
    meter.add_row(Text("tokens", style="bold"), ProgressBar(total=max(ctx.budget_tokens, 1),
                  completed=min(ctx.used_tokens, ctx.budget_tokens), width=30),
                  Text(f"{ctx.used_tokens}/{ctx.budget_tokens} ({share:.0%})"))
    parts: list = [prob, snips, meter]
    parts += [Text(f"note: {n}", style="yellow") for n in ctx.notes]
    return Group(*parts)
