import pytest

from calc.lexer import tokenize
from calc.parser import evaluate


def test_tokens_of_a_whole_expression():
    assert tokenize("12 * (3+4)") == ["12", "*", "(", "3", "+", "4", ")"]
    assert tokenize("12*3+40") == ["12", "*", "3", "+", "40"]


def test_a_lone_number():
    assert tokenize("7") == ["7"]
    assert tokenize("  3.25  ") == ["3.25"]
    assert evaluate("100") == 100


def test_empty_and_blank_text():
    assert tokenize("") == []
    assert tokenize("   ") == []


def test_numbers_at_both_ends():
    assert evaluate("10 / 4") == 2.5
    assert evaluate("1 + 2 + 3 + 4") == 10
    assert evaluate("-3 * -3") == 9


def test_bad_characters_still_rejected():
    with pytest.raises(ValueError):
        tokenize("2 + x")
