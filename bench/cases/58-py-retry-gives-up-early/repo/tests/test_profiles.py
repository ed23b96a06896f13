from profiles import ProfileService
from retry import TransientError


class FlakyClient:
    """Fails ``failures`` times with a TransientError, then answers."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    def get(self, path: str) -> dict:
        self.calls += 1
        if self.calls <= self.failures:
            raise TransientError(f"timeout reading {path}")
        return {"id": int(path.rsplit("/", 1)[1]), "name": " Ada "}


def test_profile_on_the_first_try():
    client = FlakyClient(0)
    assert ProfileService(client, sleep=lambda s: None).profile(7) == {"id": 7, "name": "Ada"}
    assert client.calls == 1


def test_profile_after_two_timeouts():
    client, waits = FlakyClient(2), []
    service = ProfileService(client, attempts=3, delay=0.2, sleep=waits.append)
    assert service.profile(7) == {"id": 7, "name": "Ada"}
    assert client.calls == 3
    assert waits == [0.2, 0.4]
