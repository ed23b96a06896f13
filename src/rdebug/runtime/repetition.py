"""Stop a reply stuck in a loop: small models at low temperature can repeat one block until the
token limit (2,048 tokens is three minutes of the 1.5B default on 2 cores)."""

from __future__ import annotations

WINDOW = 160  # characters of the reply's end that must already have appeared twice
MIN_CHARS = 3 * WINDOW
CHECK_EVERY = 16  # tokens between checks (a check is a substring count over the reply)


class LoopGuard:
    """``feed`` each token's text; True once the reply's last WINDOW characters occur three times."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._tokens = 0

    def feed(self, text: str) -> bool:
        self._parts.append(text)
        self._tokens += 1
        if self._tokens % CHECK_EVERY:
            return False
        reply = "".join(self._parts)
        self._parts = [reply]
        if len(reply) < MIN_CHARS:
            return False
        tail = reply[-WINDOW:]
        return bool(tail.strip()) and reply.count(tail) >= 3
