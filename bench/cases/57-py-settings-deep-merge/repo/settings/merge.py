"""Combining layers of settings."""

from __future__ import annotations

from typing import Any, Mapping


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """A new dict: ``base`` with ``override`` laid over it. Nested sections (dicts) are merged key by key at
    every depth, so an override that names one key of a section keeps the section's other keys; any other
    value (a number, a string, a list) replaces the one in ``base``. Neither argument is changed."""
    merged = dict(base)
    for key, value in override.items():
        merged[key] = value
    return merged
