"""User profiles read from the accounts API."""

from __future__ import annotations

import time
from typing import Callable

from retry import retry


class ProfileService:
    def __init__(self, client, attempts: int = 3, delay: float = 0.2,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.client = client
        self.attempts = attempts
        self.delay = delay
        self.sleep = sleep

    def profile(self, user_id: int) -> dict:
        """The user's id and display name; the API is asked again after a transient failure."""
        data = retry(lambda: self.client.get(f"/users/{user_id}"), attempts=self.attempts, delay=self.delay,
                     sleep=self.sleep)
        return {"id": data["id"], "name": data["name"].strip() or f"user {data['id']}"}
