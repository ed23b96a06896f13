"""One small edit at a suspicious line: where, which kind, and what it says in a label."""

from __future__ import annotations

from dataclasses import dataclass

# the edit kinds (their priors are measured on bench/cases: see priors.py)
KINDS = (
    "comparison",  # < <= > >= == != is
    "arithmetic",  # + - * / // % and their augmented forms
    "boolean",  # and/or, &&/||, True/False
    "negation",  # drop a `not`/`!`, or negate a condition
    "off-by-one",  # add or remove ± 1 in a bound, index, operand
    "drop-term",  # `a - b` -> `a` in a range/slice/loop bound
    "constant",  # integer 0<->1, x/÷ 10, 100, 1000
    "ceil-division",  # a // b -> -(-a // b); Math.floor -> Math.ceil
    "swap-args",  # f(a, b) -> f(b, a)
    "variable",  # a local replaced by another local
    "return",  # return another local
    "receiver",  # a missing self./this.
    "numeric-sort",  # JavaScript .sort() -> .sort((a, b) => a - b)
    "strict-equality",  # JavaScript == -> ===, != -> !==
)


@dataclass(frozen=True)
class Mutation:
    """Replace the UTF-8 bytes ``start:end`` of ``path`` by ``replacement``; ``line`` is 1-based."""

    path: str
    line: int
    kind: str
    start: int
    end: int
    replacement: str
    before: str  # what is replaced, as the label shows it
    after: str

    def apply(self, data: bytes) -> bytes:
        return data[: self.start] + self.replacement.encode("utf-8") + data[self.end:]

    @property
    def label(self) -> str:
        """"`<` → `<=` in paging.py:14"."""
        return f"`{_short(self.before)}` → `{_short(self.after)}` in {self.path}:{self.line}"


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
