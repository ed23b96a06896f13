"""The candidates of one repair round: k replies decoded together, one ``AttemptView`` each.

The engine starts a round with ``AttemptStarted(attempt, sample)`` for samples 1..k in a row; the views
of a round are therefore adjacent in a board's list, samples 1..k. Candidate ``c`` of the events is
sample ``c + 1``. No Textual here: the strip widget renders what ``chips`` says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from rdebug_tui.state import AttemptView, UiState


def _index(views: Sequence[AttemptView], view: AttemptView) -> int:
    return next((i for i, v in enumerate(views) if v is view), -1)


def _joins(prev: AttemptView, view: AttemptView) -> bool:
    """``view`` is the next candidate of ``prev``'s round."""
    return view.sample == prev.sample + 1 and view.attempt == prev.attempt and view.attempt is not None


def round_of(views: Sequence[AttemptView], view: AttemptView | None) -> list[AttemptView]:
    """The candidates of ``view``'s round (``[view]`` alone when it has none; ``[]`` for no view)."""
    i = _index(views, view) if view is not None else -1
    if i < 0:
        return [view] if view is not None else []
    start, end = i, i + 1
    while start > 0 and _joins(views[start - 1], views[start]):
        start -= 1
    while end < len(views) and _joins(views[end - 1], views[end]):
        end += 1
    return list(views[start:end])


def decoding(view: AttemptView) -> bool:
    """Its reply is still streaming: no end of stream (Usage), no verdict, round not over."""
    return not view.finished and view.usage is None and view.diff is None and view.rejected is None \
        and view.verify == "none"


def tokens(view: AttemptView) -> int:
    if view.usage is not None:
        return view.usage.thinking_tokens + view.usage.answer_tokens
    return len(view.thinking) + len(view.answer)


def state_of(view: AttemptView, mates: Sequence[AttemptView]) -> str:
    """One word for the strip: decoding, parsing, proposed, verifying, verified, failed, rejected,
    stopped (another candidate was verified first, or the round ended without a verdict), cancelled."""
    settled = any(m.verify == "verified" for m in mates if m is not view)
    if view.verify == "verified":
        return "verified"
    if view.verify == "failed":
        return "cancelled" if view.reason == "cancelled" else "failed"
    if view.rejected is not None and view.diff is None:
        return "rejected"
    if view.cancelled:
        return "cancelled"
    if view.verify == "verifying":
        return "verifying"
    if settled:
        return "stopped"
    if view.diff is not None:
        return "proposed"
    if view.finished:
        return "stopped"
    return "parsing" if view.usage is not None else "decoding"


@dataclass(frozen=True)
class Chip:
    """One candidate in the strip."""

    number: int  # 1-based, as the user counts
    state: str
    tokens: int
    shown: bool  # the candidate the panels show


def chips(views: Sequence[AttemptView], shown: AttemptView | None) -> list[Chip]:
    """The strip's content for the round of ``shown``: empty unless that round has several candidates."""
    mates = round_of(views, shown)
    if len(mates) < 2:
        return []
    return [Chip(v.sample, state_of(v, mates), tokens(v), v is shown) for v in mates]


def round_tps(views: Sequence[AttemptView], now: float) -> float | None:
    """Aggregate speed of a round: all its tokens over the time from its first token to its last
    (``now`` while a candidate still decodes)."""
    started = [v for v in views if v.think_start is not None]
    if not started:
        return None
    first = min(v.think_start for v in started)  # type: ignore[type-var]
    last = max(now if v.decode_end is None else v.decode_end for v in started)
    secs = last - first
    return sum(tokens(v) for v in started) / secs if secs > 0 else None


def live_tps(state: "UiState", now: float) -> float | None:
    """The speed the status bar shows: the live reply's (several candidates: theirs together), else the
    last reply's."""
    live = state.live
    mates = round_of(state.attempts, live if live is not None else state.current)
    if len(mates) > 1:
        return round_tps(mates, now)
    if live is not None and live.think_start is not None and live.usage is None:
        secs = now - live.think_start
        return (len(live.thinking) + len(live.answer)) / secs if secs > 0 else None
    return state.last_usage.tokens_per_s if state.last_usage else None
