"""Settings read from a remote store, one ``key = value`` per line."""
from net.retry import retry


class SettingsClient:
    def __init__(self, transport, attempts: int = 3):
        self.transport = transport
        self.attempts = attempts

    def load(self, name: str) -> dict:
        raw = retry(lambda: self.transport.fetch(name), attempts=self.attempts)
        pairs = (line.split("=", 1) for line in raw.splitlines() if line.strip())
        return {key.strip(): value.strip() for key, value in pairs}
