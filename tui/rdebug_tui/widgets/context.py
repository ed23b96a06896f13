"""The context panel: snippets (reason, tokens), a token meter, notes, drop/add files."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from rdebug.context.model import PackedContext


def meter(used: int, budget: int, width: int = 20) -> Text:
    share = min(1.0, used / budget) if budget > 0 else 0.0
    filled = round(share * width)
    style = "green" if share < 0.8 else "yellow" if share <= 1.0 else "red"
    text = Text("█" * filled, style=style)
    text.append("░" * (width - filled), style="dim")
    text.append(f" {used:,}/{budget:,} tokens")
    return text


def snippet_label(snip) -> str:
    """``path:start-end``; a whole-file or non-file entry (``git:blame``, line 0) shows no range."""
    if snip.start_line <= 0 or snip.end_line <= 0:
        return snip.path
    if snip.start_line == snip.end_line:
        return f"{snip.path}:{snip.start_line}"
    return f"{snip.path}:{snip.start_line}-{snip.end_line}"


class SnippetList(OptionList):
    BINDINGS = [Binding("x", "toggle_file", "drop/keep file", id="drop_file")]

    def action_toggle_file(self) -> None:
        panel = next((a for a in self.ancestors if isinstance(a, ContextPanel)), None)
        if panel is not None and self.highlighted is not None:
            panel.toggle(self.highlighted)


class ContextPanel(Vertical):
    """Posts ``FilesChanged`` when the user drops (x) or adds (input) a file."""

    class FilesChanged(Message):
        def __init__(self, include: list[str], exclude: list[str]) -> None:
            super().__init__()
            self.include, self.exclude = include, exclude

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.include: list[str] = []
        self.exclude: list[str] = []
        self._paths: list[str] = []  # one per option

    def compose(self) -> ComposeResult:
        yield Static("", id="context-meter")
        yield SnippetList(id="snippets")
        yield Static("", id="context-notes")
        yield Input(placeholder="+ add a file (path, enter)", id="add-file", compact=True)

    def on_mount(self) -> None:
        self.border_title = "Context"

    def show(self, context: PackedContext) -> None:
        self.query_one("#context-meter", Static).update(meter(context.used_tokens, context.budget_tokens))
        options, self._paths = [], []
        for snip in context.snippets:
            text = Text(snippet_label(snip), style="bold")
            text.append(f"  {snip.tokens} tok\n  {snip.reason}", style="dim")
            options.append(Option(text))
            self._paths.append(snip.path)
        for path in self.exclude:
            options.append(Option(Text(f"✗ {path} (dropped; x keeps it)", style="dim strike")))
            self._paths.append(path)
        for snip in context.dropped:
            options.append(Option(Text(f"… {snip.path}:{snip.start_line} did not fit", style="dim")))
            self._paths.append(snip.path)
        snippets = self.query_one("#snippets", SnippetList)
        highlighted = snippets.highlighted
        snippets.clear_options()
        snippets.add_options(options)
        if options:
            snippets.highlighted = min(highlighted or 0, len(options) - 1)
        notes = Text()
        for note in context.notes:
            notes.append(f"⚠ {note}\n", style="yellow")
        notes.rstrip()
        self.query_one("#context-notes", Static).update(notes)
        self.query_one("#context-notes", Static).display = bool(context.notes)

    def toggle(self, index: int) -> None:
        if not 0 <= index < len(self._paths):
            return
        path = self._paths[index]
        if path in self.exclude:
            self.exclude.remove(path)
        else:
            self.exclude.append(path)
            if path in self.include:
                self.include.remove(path)
        self.post_message(self.FilesChanged(list(self.include), list(self.exclude)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "add-file":
            return
        event.stop()
        path = event.value.strip()
        event.input.value = ""
        if not path:
            return
        if path in self.exclude:
            self.exclude.remove(path)
        if path not in self.include:
            self.include.append(path)
        self.post_message(self.FilesChanged(list(self.include), list(self.exclude)))
