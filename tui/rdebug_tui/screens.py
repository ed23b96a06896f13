"""Modal screens: help, confirm (apply an unverified patch), and errors with what to do next."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "close", id="help_close")]

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for key, description in self.rows:
            table.add_row(key, description)
        with Vertical(id="dialog"):
            yield Static(Text("rdebug keys", style="bold"))
            yield Static(table)
            yield Static(Text("Remap keys in the [keymap] table of the config: action = \"key\".\n"
                              "Press escape to close.", style="dim"))


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "yes", id="confirm_yes"),
        Binding("n,escape", "answer(False)", "no", id="confirm_no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.question)
            with Horizontal(id="buttons"):
                yield Button("Apply anyway (y)", variant="warning", id="yes")
                yield Button("Cancel (n)", variant="primary", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


def error_advice(message: str) -> tuple[str, str]:
    """A title and the next steps for a fatal engine error."""
    lower = message.lower()
    if "internal error" in lower:
        return ("rdebug hit an internal error", "Press escape to return to the session and r to re-run, or q "
                "to quit. Your files are untouched. Please report the message above.")
    if "models pull" in lower or "no model" in lower:
        return ("No model installed", "Download the default model once:\n\n    rdebug models pull\n\n"
                "or point rdebug at a GGUF file:  rdebug --model path/to/model.gguf\n"
                "See what is installed with:      rdebug models list")
    if "load" in lower or "gguf" in lower or "memory" in lower:
        return ("The model could not be loaded", "Check the file with `rdebug models list`, try a smaller "
                "model or quantization, fewer GPU layers (--gpu-layers 0) or a smaller context (--ctx 4096).")
    if "no tests found" in lower or "ran no tests" in lower or "test command" in lower or "--test-cmd" in lower:
        return ("Nothing to debug here", "Start rdebug in a project with tests, or give it the failure:\n\n"
                "    rdebug -- pytest tests/test_x.py      run a command and debug its failure\n"
                "    pytest 2>&1 | rdebug                   pipe a trace\n"
                "    rdebug --trace ci-log.txt              a trace file\n"
                '    rdebug "login fails with a + in the email"   describe it in words')
    if "command not found" in lower or "cannot run" in lower or "timed out" in lower or "not installed" in lower:
        return ("The test command could not run", "Check the command (or set it with --test-cmd 'CMD'), "
                "then start rdebug again; a slow suite may need --timeout.")
    if "replay file" in lower or "backend" in lower:
        return ("The model backend could not start", "Check --backend (llama, openai, replay:FILE or fake) "
                "and its file or URL, then start rdebug again.")
    return ("rdebug cannot continue", "Fix the cause above and start rdebug again.")


class ErrorScreen(ModalScreen[None]):
    """A fatal error: what happened and what to do; q quits, escape returns to the (read-only) UI."""

    BINDINGS = [
        Binding("q", "app.quit", "quit", id="error_quit"),
        Binding("escape", "dismiss", "back", id="error_back"),
    ]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        title, advice = error_advice(self.message)
        with Vertical(id="dialog", classes="error"):
            yield Static(Text(title, style="bold red"))
            yield Static(Text(self.message))
            yield Static(Text(advice))
            yield Static(Text("q quits · escape returns to the session", style="dim"))
