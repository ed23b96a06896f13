"""An in-memory user directory."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class User:
    id: int
    full_name: str
    nickname: str | None = None


class UserDirectory:
    def __init__(self, users: list[User]):
        self._by_id = {u.id: u for u in users}

    def find(self, user_id: int) -> User | None:
        """The user with this id, or None when there is none."""
        return self._by_id.get(user_id)

    def display_name(self, user_id: int) -> str:
        """Nickname if set, else the full name; "unknown user" for an id not in the directory."""
        user = self.find(user_id)
        return user.nickname or user.full_name
