"""The problem panel: exception, frames (select one to see its source), other failures."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from rdebug.intake.model import Frame, Problem
from rdebug_tui.source import source_excerpt


def frame_label(frame: Frame) -> Text:
    where = f"{frame.path}:{frame.line}" if frame.line else frame.path
    text = Text(where, style="bold yellow" if frame.in_repo else "dim")
    if frame.function:
        text.append(f" in {frame.function}", style="" if frame.in_repo else "dim")
    return text


class SourceScroll(VerticalScroll):
    """The source excerpt; keeps the failing line (``focus_row``) in view when its height changes."""

    focus_row = 0

    def show_row(self, row: int) -> None:
        self.focus_row = row
        height = self.scrollable_content_region.height
        self.scroll_to(y=max(0, row - max(0, height - 1) // 2), animate=False)

    def on_resize(self) -> None:
        self.show_row(self.focus_row)


class ProblemPanel(Vertical):
    """Shows one problem; posts ``FailureSelected`` when the user picks another failure."""

    class FailureSelected(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.root = Path(".")
        self._frames: list[Frame] = []
        self._problems: list[Problem] = []
        self._index = 0
        self._marks: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static("Waiting for the failing test output…", id="problem-title")
        yield OptionList(id="frames")
        with SourceScroll(id="source-scroll"):
            yield Static("", id="source")
        yield Label("Failures (1 jumps here, enter debugs)", id="failures-label")
        yield OptionList(id="failures")

    def on_mount(self) -> None:
        self.border_title = "Problem"
        self._show_failures(False)

    def _show_failures(self, show: bool) -> None:
        self.set_class(show, "-several")  # the stylesheet shows the list (its label only when there is room)

    def show_problems(self, problems: list[Problem], index: int) -> None:
        self._problems, self._index = problems, index
        problem = problems[index]
        title = Text()
        title.append(problem.exception or problem.kind, style="bold red")
        if problem.message:
            title.append(": ")
            title.append_text(inline_code(problem.message))
        if problem.test_id and len(problems) == 1:  # several: the failures list names the shown one (●)
            title.append(f"\n{problem.test_id}", style="dim")
        for note in problem.notes:
            title.append(f"\n{note}", style="italic yellow")
        self.query_one("#problem-title", Static).update(title)
        self._frames = list(problem.frames)
        frames = self.query_one("#frames", OptionList)
        frames.display = True
        self.query_one("#source-scroll").display = True
        frames.clear_options()
        frames.add_options([Option(frame_label(f)) for f in self._frames])
        repo = [i for i, f in enumerate(self._frames) if f.in_repo]
        if self._frames:
            frames.highlighted = repo[-1] if repo else len(self._frames) - 1
        else:
            self.query_one("#source", Static).update(Text("no stack frames in the output", style="dim"))
        self._marks = ()
        self.show_marks(tuple("" for _ in problems))
        self.query_one("#failures", OptionList).highlighted = index
        self._show_failures(len(problems) > 1)

    def show_marks(self, marks: tuple[str, ...]) -> None:
        """Each failure's state in the list ("✓ verified", "applied", …), the shown one marked ●."""
        if marks == self._marks or len(marks) != len(self._problems):
            return
        self._marks = marks
        failures = self.query_one("#failures", OptionList)
        highlighted = failures.highlighted
        failures.clear_options()
        failures.add_options([Option(self._failure_label(p, i == self._index, marks[i]))
                              for i, p in enumerate(self._problems)])
        failures.highlighted = self._index if highlighted is None else min(highlighted, len(marks) - 1)

    @staticmethod
    def _failure_label(problem: Problem, current: bool, mark: str = "") -> Text:
        text = Text("● " if current else "  ", style="bold")
        if problem.test_id and "::" in problem.test_id:  # the test's name first: it tells them apart
            path, _, name = problem.test_id.partition("::")
            text.append(name)
            text.append(f"  {path}", style="dim")
        else:
            text.append(problem.test_id or problem.title)
        if mark:
            text.append(f"  {mark}", style="green" if mark.startswith(("✓", "applied")) else "dim")
        return text

    def show_no_problem(self, message: str, fixed: list[str] | None = None) -> None:
        """All tests pass: the result, and what to try next (or that the applied fix worked)."""
        text = Text("✓ All tests pass\n", style="bold green")
        if fixed:
            text.append(f"The applied fix worked: {', '.join(fixed)} now passes.\n", style="green")
        text.append(message)
        text.append("\n\nWhat to try:\n", style="bold")
        text.append("  r          re-run the tests\n"
                    "  f          describe a problem in words, and debug it here\n"
                    "  q          quit; then debug something else:\n"
                    "  rdebug -- pytest tests/test_x.py     run a command and debug its failure\n"
                    "  pytest 2>&1 | rdebug                 pipe a trace\n"
                    '  rdebug "login fails with a + in the email"   describe it in words')
        self._show_message(text)

    def show_error(self, title: str, message: str, advice: str) -> None:
        """A fatal error, kept in the panel after its screen is closed."""
        text = Text(f"✗ {title}\n", style="bold red")
        text.append(message + "\n\n")
        text.append(advice + "\n\n")
        text.append("q quits", style="dim")
        self._show_message(text)

    def _show_message(self, text: Text) -> None:
        self._frames, self._problems = [], []
        self.query_one("#problem-title", Static).update(text)
        self.query_one("#frames", OptionList).clear_options()
        self.query_one("#frames", OptionList).display = False
        self.query_one("#source", Static).update("")
        self.query_one("#source-scroll").display = False
        self._show_failures(False)

    def focus_failures(self) -> bool:
        """Focus the failures list (or the frames when there is one failure); False when neither shows."""
        failures = self.query_one("#failures", OptionList)
        target = failures if failures.display else self.query_one("#frames", OptionList)
        if not target.display:
            return False
        target.focus()
        return True

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id != "frames" or not 0 <= event.option_index < len(self._frames):
            return
        frame = self._frames[event.option_index]
        source = self.query_one("#source", Static)
        if frame.in_repo:
            excerpt = source_excerpt(self.root, frame.path, frame.line)
            source.update(excerpt)
            marked = next((i for i, line in enumerate(excerpt.plain.split("\n")) if line.startswith("▶")), 0)
            # the failing line in view, however short the panel is
            self.call_after_refresh(self.query_one(SourceScroll).show_row, marked)
        else:
            source.update(Text(f"{frame.path}: outside the repository", style="dim"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "failures":
            event.stop()
            if event.option_index != self._index:
                self.post_message(self.FailureSelected(event.option_index))


def inline_code(text: str) -> Text:
    """``text`` with its `backtick` spans shown as code (bold), without the backticks."""
    out = Text()
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: leave the text alone
        return Text(text)
    for i, part in enumerate(parts):
        out.append(part, style="bold cyan" if i % 2 else "")
    return out
