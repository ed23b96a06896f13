from receipt import WIDTH, format_line, render


def test_line_width():
    assert len(format_line("Tea", 1, 2.0)) == WIDTH


def test_line_has_cents():
    assert format_line("Coffee", 2, 3.5) == "2 x Coffee" + " " * 18 + "7.00"


def test_footer():
    assert render([("Bagel", 3, 1.25)]).splitlines()[-1] == "TOTAL" + " " * 23 + "3.75"
