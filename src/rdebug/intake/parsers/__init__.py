"""One trace parser per language family; each exposes ``find(lines) -> list[Found]``."""
