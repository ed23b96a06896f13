"""Word frequencies for the tag cloud."""
import re

STOP_WORDS = {"a", "an", "and", "the", "of", "to"}


def tokenize(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z']+", text.lower()) if w not in STOP_WORDS]


def word_frequencies(text: str) -> dict:
    counts = {}
    for word in tokenize(text):
        counts[word] += 1
    return counts
