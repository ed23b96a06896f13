"""HTTP status codes."""

from __future__ import annotations


def status_class(code: int) -> str:
    """The class of an HTTP status code: "informational" (1xx), "success" (2xx), "redirect" (3xx),
    "client-error" (4xx) or "server-error" (5xx). Anything outside 100-599: ValueError."""
    if not 100 <= code <= 599:
        raise ValueError(f"not an HTTP status code: {code}")
    if code >= 500:
        return "server-error"
    elif code >= 400:
        return "client-error"
    elif code >= 200:
        return "success"
    return "informational"
