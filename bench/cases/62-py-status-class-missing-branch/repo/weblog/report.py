"""A summary of an access log: requests per status class, and the slowest path."""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from weblog.status import status_class


def parse(line: str) -> tuple[str, str, int, int]:
    """``"GET /cart 302 12ms"`` -> ``("GET", "/cart", 302, 12)``."""
    method, path, code, took = line.split()
    return method, path, int(code), int(took.removesuffix("ms"))


def summarize(lines: Iterable[str]) -> dict[str, int]:
    """Requests per status class, for the classes seen."""
    counts = Counter(status_class(parse(line)[2]) for line in lines if line.strip())
    return dict(counts)


def slowest(lines: Iterable[str]) -> str:
    requests = [parse(line) for line in lines if line.strip()]
    return max(requests, key=lambda r: r[3])[1]
