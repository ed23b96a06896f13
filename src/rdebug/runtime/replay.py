"""The ``replay:FILE`` backend: recorded raw replies streamed back without a model.

The file holds the raw text of one reply (with ``<think>`` tags) or several, separated by a line
``=== rdebug-replay-next ===``; successive ``generate`` calls return them in order, the last repeats.
"""

from __future__ import annotations

from pathlib import Path

from rdebug.errors import ModelError
from rdebug.events import ModelStats
from rdebug.runtime.fake import ScriptedBackend

SEPARATOR = "=== rdebug-replay-next ==="


def parse_replies(text: str) -> list[str]:
    parts: list[list[str]] = [[]]
    for line in text.splitlines(keepends=True):
        if line.strip() == SEPARATOR:
            parts.append([])
        else:
            parts[-1].append(line)
    return ["".join(p).strip("\n") for p in parts]


class ReplayBackend(ScriptedBackend):
    name = "replay"

    def __init__(self, path: str | Path, delay_s: float = 0.0, thinking_mode: str = "think-tags") -> None:
        self.path = Path(path)
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ModelError(f"cannot read replay file {self.path}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise ModelError(f"replay file {self.path} is not UTF-8 text") from None
        super().__init__(parse_replies(text), delay_s=delay_s, thinking_mode=thinking_mode)

    def make_stats(self) -> ModelStats:
        return ModelStats(model=f"replay:{self.path.name}", path=str(self.path), backend="replay",
                          profile=self.profile())
