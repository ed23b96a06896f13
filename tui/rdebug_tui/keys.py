"""Key bindings: every one has an id that the config's ``[keymap]`` table can remap."""

from __future__ import annotations

from textual.binding import Binding

from rdebug.errors import ConfigError

PANELS = ("problem", "context", "thinking", "answer", "patch")  # keys 1-5, as lazygit numbers its panels

BINDINGS = [
    Binding("t", "toggle_thinking", "thinking", id="toggle_thinking", tooltip="expand/collapse the thinking"),
    Binding("a", "apply", "apply", id="apply", tooltip="apply the shown patch (asks when unverified)"),
    Binding("u", "undo", "undo", id="undo", tooltip="undo the last apply"),
    Binding("r", "rerun", "re-run", id="rerun", tooltip="re-run the failing command"),
    # n/p/d are named in the patch panel's title, to keep the footer within 80 columns
    Binding("n", "next_attempt", "next", id="next_attempt", show=False, tooltip="next attempt"),
    Binding("p", "prev_attempt", "prev", id="prev_attempt", show=False, tooltip="previous attempt"),
    Binding("d", "toggle_diff", "diff view", id="toggle_diff", show=False,
            tooltip="unified / side-by-side diff (side by side when both sides fit)"),
    Binding("f", "focus_followup", "follow-up", id="focus_followup", tooltip="ask a follow-up or give a hint"),
    # shown in the status bar ("thinking on (m) · budget ∞ (+/-)") to keep the footer on one line
    Binding("m", "thinking_mode", "think on/off", id="thinking_mode", show=False,
            tooltip="thinking on/off for the next request"),
    Binding("plus", "budget(1)", "budget+", key_display="+", id="think_budget_up", show=False,
            tooltip="raise the thinking budget for the next request"),
    Binding("minus", "budget(-1)", "budget-", key_display="-", id="think_budget_down", show=False,
            tooltip="lower the thinking budget for the next request"),
    Binding("escape", "cancel", "cancel", id="cancel",
            tooltip="cancel generation / verification; dismiss an error line; leave an input"),
    *(Binding(str(i + 1), f"panel({i})", name, id=f"panel_{name}", show=False,
              tooltip=f"focus the {name} panel" + (" (the failures list when there are several)" if i == 0 else ""))
      for i, name in enumerate(PANELS)),
    Binding("question_mark", "help", "help", key_display="?", id="help", tooltip="this help"),
    Binding("q", "quit", "quit", id="quit", tooltip="quit (cancels generation first)"),
]
EXTRA_IDS = {"drop_file"}  # widget bindings that the keymap may also remap


def binding_ids() -> set[str]:
    return {b.id for b in BINDINGS if b.id} | EXTRA_IDS


def check_keymap(keymap: dict[str, str]) -> None:
    unknown = sorted(set(keymap) - binding_ids())
    if unknown:
        raise ConfigError(f"keymap: unknown action '{unknown[0]}' (known: {', '.join(sorted(binding_ids()))})")


def help_rows(keymap: dict[str, str]) -> list[tuple[str, str]]:
    """(key, what it does) for the help screen, with the user's remapped keys."""
    rows = [(keymap.get(b.id, b.key_display or b.key), b.tooltip or b.description) for b in BINDINGS]
    rows.append((keymap.get("drop_file", "x"), "drop/keep the highlighted context file"))
    rows.append(("enter", "in the failures list: debug that failure (each keeps its own attempts)"))
    rows.append(("tab / shift+tab", "move the focus between panels (the focused one has a bright border)"))
    rows.append(("↑ ↓ pgup pgdn home end", "scroll the focused panel (the mouse wheel scrolls too)"))
    return rows
