"""The error line above the status bar: an error that does not stop the session (Esc dismisses it), or the
one that stopped it (it stays, with the exit code q returns)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class ErrorLine(Static):
    """Hidden until an error shows; the app decides when one may be dismissed."""

    DEFAULT_CSS = "ErrorLine { display: none; height: auto; max-height: 3; background: $error 25%; padding: 0 1; }"

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)

    def show_error(self, message: str) -> None:
        self.update(Text.assemble(("✗ ", "bold red"), message, ("  (esc dismisses)", "dim")))
        self.display = True

    def show_fatal(self, message: str, code: int) -> None:
        self.update(Text.assemble(("✗ ", "bold red"), message, (f"  · q quits (exit {code})", "dim")))
        self.display = True
