from calc.parser import evaluate


def test_parenthesised_expression():
    assert evaluate("12 * (3 + 4)") == 84


def test_expression_ending_in_a_number():
    assert evaluate("2 * 21") == 42
    assert evaluate("(1 + 2) * 30 - 15") == 75


def test_decimals():
    assert evaluate("(1.5 + 1.5) / 2") == 1.5
