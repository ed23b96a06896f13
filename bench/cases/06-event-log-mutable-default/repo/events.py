"""Per-job event logs."""
import time


class EventLog:
    def __init__(self, job: str, entries=[]):
        self.job = job
        self.entries = entries

    def record(self, message: str, at: float | None = None) -> None:
        self.entries.append((time.time() if at is None else at, message))

    def messages(self) -> list[str]:
        return [message for _, message in self.entries]

    def since(self, t: float) -> list[str]:
        return [message for at, message in self.entries if at >= t]
