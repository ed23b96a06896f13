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

    def compose(self) -> ComposeResult:
        yield Static("Waiting for the failing test output…", id="problem-title")
        yield OptionList(id="frames")
        with VerticalScroll(id="source-scroll"):
            yield Static("", id="source")
        yield Label("Failures (enter to debug another)", id="failures-label")
        yield OptionList(id="failures")

    def on_mount(self) -> None:
        self.border_title = "Problem"
        self._show_failures(False)

    def _show_failures(self, show: bool) -> None:
        self.query_one("#failures-label").display = show
        self.query_one("#failures").display = show

    def show_problems(self, problems: list[Problem], index: int) -> None:
        self._problems, self._index = problems, index
        problem = problems[index]
        title = Text()
        title.append(problem.exception or problem.kind, style="bold red")
        if problem.message:
            title.append(f": {problem.message}")
        if problem.test_id:
            title.append(f"\n{problem.test_id}", style="dim")
        for note in problem.notes:
            title.append(f"\n{note}", style="italic yellow")
        self.query_one("#problem-title", Static).update(title)
        self._frames = list(problem.frames)
        frames = self.query_one("#frames", OptionList)
        frames.clear_options()
        frames.add_options([Option(frame_label(f)) for f in self._frames])
        repo = [i for i, f in enumerate(self._frames) if f.in_repo]
        if self._frames:
            frames.highlighted = repo[-1] if repo else len(self._frames) - 1
        else:
            self.query_one("#source", Static).update(Text("no stack frames in the output", style="dim"))
        failures = self.query_one("#failures", OptionList)
        failures.clear_options()
        failures.add_options([Option(self._failure_label(p, i == index)) for i, p in enumerate(problems)])
        failures.highlighted = index
        self._show_failures(len(problems) > 1)

    @staticmethod
    def _failure_label(problem: Problem, current: bool) -> Text:
        text = Text("● " if current else "  ", style="bold")
        text.append(problem.test_id or problem.title)
        return text

    def show_no_problem(self, message: str) -> None:
        self._frames, self._problems = [], []
        text = Text("✓ Nothing to debug\n", style="bold green")
        text.append(message)
        text.append("\n\nPress r to re-run the test command, or start rdebug with a failing command:\n"
                    "  rdebug -- pytest tests/test_x.py", style="dim")
        self.query_one("#problem-title", Static).update(text)
        self.query_one("#frames", OptionList).clear_options()
        self.query_one("#source", Static).update("")
        self._show_failures(False)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id != "frames" or not 0 <= event.option_index < len(self._frames):
            return
        frame = self._frames[event.option_index]
        source = self.query_one("#source", Static)
        if frame.in_repo:
            source.update(source_excerpt(self.root, frame.path, frame.line))
        else:
            source.update(Text(f"{frame.path}: outside the repository", style="dim"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "failures":
            event.stop()
            if event.option_index != self._index:
                self.post_message(self.FailureSelected(event.option_index))
