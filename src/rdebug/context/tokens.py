"""A fast token estimate (no tokenizer): roughly what BPE tokenizers give for code."""

from __future__ import annotations

import re

_PIECES = re.compile(r"[A-Za-z]+|\d+|\n|[ \t]+|[^\sA-Za-z\d]+")


def estimate_tokens(text: str) -> int:
    """About one token per word (plus one per 6 more letters), per 3 digits, per 2 punctuation marks.

    Single spaces merge into the next word as in BPE vocabularies; long indentation costs a little.
    Calibrated on Python sources against a BPE tokenizer (SmolLM2): within ~5-10%, slightly high, which
    lands near chars/3.3 on code.
    """
    if not text:
        return 0
    n = 0
    for piece in _PIECES.findall(text):
        c = piece[0]
        if c.isalpha():
            n += 1 + (len(piece) - 1) // 6
        elif c.isdigit():
            n += 1 + (len(piece) - 1) // 3
        elif c == "\n":
            n += 1
        elif c in " \t":
            n += len(piece) // 8
        else:
            n += 1 + (len(piece) - 1) // 2
    return max(n, 1)
