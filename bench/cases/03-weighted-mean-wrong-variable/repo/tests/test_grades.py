import pytest

from grades import course_grade, letter
from stats import weighted_mean


def test_equal_weights_is_plain_mean():
    assert weighted_mean([80, 90], [1, 1]) == 85


def test_course_grade():
    assert course_grade({"homework": 100, "midterm": 70, "final": 80}) == 81.0


def test_letters():
    assert letter(91) == "A"
    assert letter(59.9) == "F"


def test_length_mismatch():
    with pytest.raises(ValueError):
        weighted_mean([1, 2], [1])
