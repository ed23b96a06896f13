"""The status bar: model, backend, context use, speed, thinking settings, model loading progress."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.widgets import Footer, Static

from rdebug_tui.candidate_views import round_of
from rdebug_tui.state import UiState


def backend_label(state: UiState) -> str:
    stats = state.stats
    if stats is None:
        return ""
    if stats.gpu_layers > 0:  # the device and the layers llama.cpp's own log reported
        where = stats.device.split(" (")[0] if stats.device else stats.backend
        of = f"/{stats.gpu_layers_total}" if stats.gpu_layers_total else ""
        return f"GPU {where} · {stats.gpu_layers}{of} layers"
    if stats.backend in ("cpu", "cuda", "metal", "vulkan"):
        return "CPU" + (f" · {stats.threads} thread{'s' if stats.threads != 1 else ''}" if stats.threads else "")
    return stats.backend


def effective_budget(state: UiState) -> str:
    """The thinking budget the next request gets: the user's, else the model's default, else none."""
    if state.think_budget is not None:
        return str(state.think_budget)
    if state.stats is not None:
        default = state.stats.profile.default_think_budget
    else:
        default = state.model_defaults.default_think_budget if state.model_defaults is not None else None
    return str(default) if default else "∞"


def status_text(state: UiState, model_label: str, live_tps: float | None) -> Text:
    text = Text()
    if len(state.problems) > 1:
        text.append(f"failure {state.problem_index + 1} of {len(state.problems)}", style="bold")
        text.append(" │ ")
    if state.loading is not None:
        filled = round(state.loading * 12)
        text.append(f"loading {model_label} ", style="bold")
        text.append("█" * filled, style="cyan")
        text.append("░" * (12 - filled), style="dim")
        text.append(f" {state.loading:.0%}")
    elif state.stats is not None:
        text.append(state.stats.model, style="bold")
        text.append(f" · {backend_label(state)}")
    else:
        text.append(model_label or "model not loaded", style="bold")
    usage = state.last_usage
    if state.stats is not None and state.stats.n_ctx:
        used = usage.prompt_tokens + usage.thinking_tokens + usage.answer_tokens if usage else 0
        text.append(f" │ ctx {used:,}/{state.stats.n_ctx:,}" if usage else f" │ ctx –/{state.stats.n_ctx:,}")
    k = len(round_of(state.attempts, state.live or state.current))  # candidates decoded together
    if live_tps is not None and not (state.stats is not None and state.stats.backend == "replay"):
        text.append(f" │ {live_tps:.1f} tok/s")  # (a replay's speed means nothing); with k > 1, theirs together
        text.append(f" k={k}" if k > 1 else "")
    elif k > 1:
        text.append(f" │ {k} candidates")
    if state.fatal is None and not state.all_pass:
        budget = effective_budget(state)
        text.append(f" │ thinking {'on' if state.thinking_effective else 'off'} (m) · budget {budget} (+/-)")
    if state.applied is not None and "u undoes" not in state.status:
        text.append(" │ applied · u undoes", style="bold green")
    if state.status:
        text.append(f" │ {state.status}", style="italic")
    return text


LIVE_COUNTER_S = 0.5  # live counters (tokens, tok/s, seconds) repaint at most this often


class StatusBar(Static):
    """One line of fixed size: an update repaints it without a layout pass of the whole screen."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._shown = self._key = ""
        self._at = float("-inf")

    def show_state(self, state: UiState, model_label: str, live_tps: Callable[[], float | None], now: float,
                   counters: bool = True) -> None:
        """A new state shows at once; a new live speed at most every LIVE_COUNTER_S, and only if ``counters``."""
        key = status_text(state, model_label, None).plain
        if key == self._key and (not counters or now - self._at < LIVE_COUNTER_S):
            return
        text = status_text(state, model_label, live_tps())
        if text.plain != self._shown:
            self._shown, self._key, self._at = text.plain, key, now
            self.update(text, layout=False)


class KeyFooter(Footer):
    """Textual's footer, with the app's keys in the first frame.

    The stock footer composes its keys only after the screen's first bindings signal and one more
    refresh (~0.2 s after the first frame here); the app's bindings are known at mount.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._bindings_ready = True
