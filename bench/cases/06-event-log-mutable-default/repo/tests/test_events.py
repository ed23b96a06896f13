from events import EventLog


def test_record_and_read():
    log = EventLog("build")
    log.record("started", at=1.0)
    log.record("done", at=5.0)
    assert log.since(2.0) == ["done"]


def test_logs_are_independent():
    a = EventLog("a")
    b = EventLog("b")
    a.record("only in a", at=1.0)
    assert b.messages() == []


def test_given_entries_are_used():
    log = EventLog("c", [(0.0, "boot")])
    assert log.messages() == ["boot"]
