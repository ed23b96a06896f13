from weblog.report import slowest, summarize

LOG = """\
GET / 200 12ms
GET /login 302 3ms
POST /login 200 40ms
GET /admin 403 2ms
GET /old-page 301 1ms
GET /report 500 900ms
"""


def test_summary_per_class():
    assert summarize(LOG.splitlines()) == {"success": 2, "redirect": 2, "client-error": 1, "server-error": 1}


def test_slowest():
    assert slowest(LOG.splitlines()) == "/report"
