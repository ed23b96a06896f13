"""Text statistics for the editor status bar."""
from collections import Counter

WORDS_PER_MINUTE = 200


def word_count(text: str) -> int:
    return len(text.split(" ")) if text else 0


def top_words(text: str, n: int = 3) -> list[str]:
    counts = Counter(word.strip(".,!?").lower() for word in text.split())
    return [word for word, _ in counts.most_common(n)]


def reading_minutes(text: str) -> int:
    return max(1, round(word_count(text) / WORDS_PER_MINUTE))
