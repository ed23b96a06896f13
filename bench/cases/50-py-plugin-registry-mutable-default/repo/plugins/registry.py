"""Named plugins and the groups they belong to."""


class Registry:
    def __init__(self):
        self._groups: dict[str, list[str]] = {}

    def register(self, name: str, groups=[]):
        """Register ``name`` in ``groups`` (none by default)."""
        self._groups[name] = groups
        return self

    def add_to_group(self, name: str, group: str) -> None:
        if group not in self._groups[name]:
            self._groups[name].append(group)

    def groups_of(self, name: str) -> list[str]:
        return sorted(self._groups[name])

    def members(self, group: str) -> list[str]:
        return sorted(name for name, groups in self._groups.items() if group in groups)
