"""Splitting an arithmetic expression into tokens."""

from __future__ import annotations

OPERATORS = "+-*/()"


def tokenize(text: str) -> list[str]:
    """``"12 * (3+4)"`` -> ``["12", "*", "(", "3", "+", "4", ")"]``: numbers (digits, maybe a decimal point)
    and operators, in order; spaces only separate tokens. Any other character: ValueError."""
    tokens: list[str] = []
    number = ""
    for ch in text:
        if ch.isdigit() or ch == ".":
            number += ch
            continue
        if number:
            tokens.append(number)
            number = ""
        if ch in OPERATORS:
            tokens.append(ch)
        elif not ch.isspace():
            raise ValueError(f"unexpected character {ch!r}")
    return tokens
