"""Split a streamed raw model reply into thinking and answer deltas.

Modes: ``think-tags`` (``<think>…</think>``: DeepSeek-R1 distills, Qwen3, QwQ), ``prompted`` (the same
tags, asked for in the prompt), ``harmony`` (gpt-oss channels), ``command-r``
(``<|START_THINKING|>…<|END_THINKING|>``) and ``none`` (everything is answer).

The split does not depend on how the stream is chunked: only a tail that could be the start of a
marker is held back between ``feed`` calls.
"""

from __future__ import annotations

from rdebug.events import AnswerDelta, ThinkingDelta

MODES = ("think-tags", "prompted", "harmony", "command-r", "none")

# marker -> action; actions: "think" (enter thinking), "answer" (enter answer), "header" (text that
# follows is a channel/role header, dropped), "message" (end of a harmony header), "drop".
_THINK_TAGS = {"<think>": "think", "</think>": "answer"}
_HARMONY = {
    "<|channel|>": "header",
    "<|start|>": "header",
    "<|constrain|>": "header",
    "<|message|>": "message",
    "<|end|>": "header",
    "<|return|>": "header",
    "<|call|>": "header",
}
_COMMAND_R = {
    "<|START_THINKING|>": "think",
    "<|END_THINKING|>": "answer",
    "<|START_RESPONSE|>": "answer",
    "<|END_RESPONSE|>": "drop",
}
_MARKERS = {
    "think-tags": _THINK_TAGS,
    "prompted": _THINK_TAGS,
    "harmony": _HARMONY,
    "command-r": _COMMAND_R,
    "none": {},
}

# What closes a thought and opens the answer, per mode (used to enforce a thinking budget).
CLOSE_THOUGHT = {
    "think-tags": "</think>\n\n",
    "prompted": "</think>\n\n",
    "harmony": "<|end|><|start|>assistant<|channel|>final<|message|>",
    "command-r": "<|END_THINKING|><|START_RESPONSE|>",
}


class ThinkingSplitter:
    """Incremental splitter; ``feed`` text as it streams, then ``flush`` once at the end."""

    def __init__(self, mode: str, starts_in_thought: bool = False, keep_leading: bool = False) -> None:
        """``keep_leading``: the reply continues a pre-filled start, so its leading blanks (an indented first
        line) are kept."""
        if mode not in _MARKERS:
            raise ValueError(f"unknown thinking mode {mode!r} (expected one of {', '.join(MODES)})")
        self.mode = mode
        self._markers = _MARKERS[mode]
        self._state = "think" if starts_in_thought and mode != "none" else "answer"
        self._buf = ""
        self._header = ""
        self._lstrip = not keep_leading  # drop leading blanks of the reply and of each part
        self.saw_thinking = self._state == "think"
        self.saw_answer = False  # any non-blank answer text was emitted

    @property
    def in_thought(self) -> bool:
        return self._state == "think"

    def feed(self, text: str) -> list[ThinkingDelta | AnswerDelta]:
        self._buf += text
        out: list[ThinkingDelta | AnswerDelta] = []
        while self._buf:
            pos, marker = self._find_marker()
            if marker is None:
                keep = self._partial_tail()
                self._emit(self._buf[: len(self._buf) - keep], out)
                self._buf = self._buf[len(self._buf) - keep :]
                break
            self._emit(self._buf[:pos], out)
            self._buf = self._buf[pos + len(marker) :]
            self._apply(self._markers[marker])
        return out

    def flush(self) -> list[ThinkingDelta | AnswerDelta]:
        out: list[ThinkingDelta | AnswerDelta] = []
        self._emit(self._buf, out)
        self._buf = ""
        return out

    # --- internals -------------------------------------------------------
    def _find_marker(self) -> tuple[int, str | None]:
        best, found = len(self._buf), None
        for marker in self._markers:
            i = self._buf.find(marker, 0, best + len(marker))
            if i != -1 and (i < best or (i == best and found is not None and len(marker) > len(found))):
                best, found = i, marker
        return best, found

    def _partial_tail(self) -> int:
        """Length of the longest buffer suffix that is a proper prefix of some marker."""
        longest = 0
        for marker in self._markers:
            for n in range(min(len(marker) - 1, len(self._buf)), longest, -1):
                if self._buf.endswith(marker[:n]):
                    longest = n
                    break
        return longest

    def _apply(self, action: str) -> None:
        if action == "think":
            if self._state != "think":
                self._state, self._lstrip = "think", True
                self.saw_thinking = True
        elif action == "answer":
            if self._state != "answer":
                self._state, self._lstrip = "answer", True
        elif action == "header":
            self._state, self._header = "header", ""
        elif action == "message" and self._state == "header":
            channel = self._header.strip()
            if channel.startswith("assistant"):
                channel = channel[len("assistant") :].strip()
            if channel.startswith("final") or not channel:
                self._state = "answer"
            else:
                self._state = "think"
                self.saw_thinking = True
            self._lstrip = True

    def _emit(self, text: str, out: list[ThinkingDelta | AnswerDelta]) -> None:
        if not text:
            return
        if self._state == "header":
            self._header += text
            return
        if self._lstrip:
            stripped = text.lstrip()
            if not stripped:
                return
            text, self._lstrip = stripped, False
        if self._state == "think":
            if out and isinstance(out[-1], ThinkingDelta):
                out[-1].text += text
            else:
                out.append(ThinkingDelta(text))
        else:
            self.saw_answer = True
            if out and isinstance(out[-1], AnswerDelta):
                out[-1].text += text
            else:
                out.append(AnswerDelta(text))
