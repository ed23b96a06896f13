"""Course grades from weighted components."""
from stats import weighted_mean

WEIGHTS = {"homework": 2, "midterm": 3, "final": 5}


def course_grade(scores: dict) -> float:
    """Weighted course grade, rounded to one decimal."""
    names = sorted(WEIGHTS)
    return round(weighted_mean([scores[n] for n in names], [WEIGHTS[n] for n in names]), 1)


def letter(grade: float) -> str:
    for cutoff, name in ((90, "A"), (80, "B"), (70, "C"), (60, "D")):
        if grade >= cutoff:
            return name
    return "F"
