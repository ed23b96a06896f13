"""Reference-list formatting (author-date style)."""
from dataclasses import dataclass


@dataclass
class Work:
    first: str
    last: str
    year: int
    title: str


def cite(work: Work) -> str:
    """'Last, F. (Year). Title.'"""
    return f"{work.last}, {work.first}. ({work.year}). {work.title}."


def bibliography(works: list[Work]) -> str:
    return "\n".join(cite(w) for w in sorted(works, key=lambda w: (w.last, w.year)))
