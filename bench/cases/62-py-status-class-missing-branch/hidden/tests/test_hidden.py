import pytest

from weblog.report import summarize
from weblog.status import status_class


@pytest.mark.parametrize("code, expected", [
    (100, "informational"), (101, "informational"), (199, "informational"),
    (200, "success"), (204, "success"), (299, "success"),
    (300, "redirect"), (301, "redirect"), (304, "redirect"), (308, "redirect"), (399, "redirect"),
    (400, "client-error"), (404, "client-error"), (499, "client-error"),
    (500, "server-error"), (503, "server-error"), (599, "server-error"),
])
def test_every_class(code, expected):
    assert status_class(code) == expected


@pytest.mark.parametrize("code", [0, 99, 600, 1000, -1])
def test_not_a_status(code):
    with pytest.raises(ValueError):
        status_class(code)


def test_only_redirects():
    assert summarize(["GET /a 307 1ms", "GET /b 304 1ms", ""]) == {"redirect": 2}
