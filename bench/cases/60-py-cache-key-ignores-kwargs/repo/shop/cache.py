"""Memoizing pure lookups."""

from __future__ import annotations

import functools
from typing import Any, Callable, Hashable


def call_key(args: tuple, kwargs: dict[str, Any]) -> Hashable:
    """A key that tells two calls apart: the positional arguments and the keyword arguments (in any order)."""
    return args + tuple(sorted(kwargs))


def memoize(func: Callable) -> Callable:
    """``func`` with its results kept: a call with the same arguments again returns the kept result."""
    cache: dict[Hashable, Any] = {}

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        key = call_key(args, kwargs)
        if key not in cache:
            cache[key] = func(*args, **kwargs)
        return cache[key]

    wrapper.cache = cache
    return wrapper
