import pytest

from net.client import SettingsClient
from net.retry import TransientError


class FlakyTransport:
    def __init__(self, failures: int, text: str = "host = db\nport = 5432\n"):
        self.failures, self.text, self.calls = failures, text, 0

    def fetch(self, name: str) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise TransientError(f"timeout #{self.calls} fetching {name}")
        return self.text


def test_recovers_after_transient_failures():
    client = SettingsClient(FlakyTransport(failures=2))
    assert client.load("db") == {"host": "db", "port": "5432"}


def test_gives_up_with_the_last_error():
    transport = FlakyTransport(failures=5)
    client = SettingsClient(transport, attempts=3)
    with pytest.raises(TransientError, match="timeout #3"):
        client.load("db")
    assert transport.calls == 3
