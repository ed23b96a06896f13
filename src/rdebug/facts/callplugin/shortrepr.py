"""The call recorder's short reprs: a value in at most MAX_REPR characters, an exception in one line.

Part of the call recorder plugin (``rdebug.facts.callplugin``): standard library only, imported relatively.
"""

import re
import reprlib

MAX_REPR = 100  # characters of one value
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


class _ShortRepr(reprlib.Repr):
    """reprlib with no sorting of big dicts and sets, no giant ints, and ``<repr failed: X>``."""

    def __init__(self):
        super().__init__()
        self.maxlevel, self.maxlist, self.maxtuple, self.maxdict = 3, 4, 4, 4
        self.maxset, self.maxfrozenset, self.maxdeque, self.maxarray = 4, 4, 4, 4
        self.maxstring, self.maxlong, self.maxother = 40, 40, 60

    def repr_instance(self, x, level):
        try:
            s = repr(x)
        except Exception as exc:  # noqa: BLE001 - any failing __repr__
            return "<repr failed: %s>" % type(exc).__name__
        if not isinstance(s, str):
            return "<repr failed: TypeError>"
        s = _ADDRESS.sub("", s)
        if len(s) > self.maxother:
            i = max(0, (self.maxother - 3) // 2)
            j = max(0, self.maxother - 3 - i)
            s = s[:i] + "..." + s[len(s) - j:]
        return s

    def repr_int(self, x, level):
        if x.bit_length() > 256:
            return "<int of %d bits>" % x.bit_length()
        return reprlib.Repr.repr_int(self, x, level)

    def _items(self, items, n, level, left, right, size):
        if level <= 0:
            return left + "..." + right
        parts = [self.repr1(v, level - 1) for v in items]
        if size > n:
            parts.append("...")
        return left + ", ".join(parts) + right

    def repr_dict(self, x, level):
        if not x:
            return "{}"
        if level <= 0:
            return "{...}"
        parts = []
        for i, (k, v) in enumerate(x.items()):
            if i >= self.maxdict:
                parts.append("...")
                break
            parts.append("%s: %s" % (self.repr1(k, level - 1), self.repr1(v, level - 1)))
        return "{" + ", ".join(parts) + "}"

    def repr_set(self, x, level):
        if not x:
            return "set()"
        return self._items(_first(x, self.maxset), self.maxset, level, "{", "}", len(x))

    def repr_frozenset(self, x, level):
        if not x:
            return "frozenset()"
        return self._items(_first(x, self.maxset), self.maxset, level, "frozenset({", "})", len(x))


def _first(iterable, n):
    out = []
    for v in iterable:
        if len(out) >= n:
            break
        out.append(v)
    return out


_REPR = _ShortRepr()


def short_repr(value):
    """A repr of at most MAX_REPR characters; never raises (a failing repr is ``<repr failed: X>``)."""
    try:
        s = _REPR.repr(value)
    except RecursionError:
        s = "<repr failed: RecursionError>"
    except Exception as exc:  # noqa: BLE001
        s = "<repr failed: %s>" % type(exc).__name__
    return s if len(s) <= MAX_REPR else s[:MAX_REPR - 1] + "…"


MAX_EXACT = 2000  # characters of a literal's full repr kept beside its short one
_LITERAL = (str, bytes, int, float, bool, type(None), list, tuple, dict, set, frozenset)
_SIZED = (str, bytes, list, tuple, dict, set, frozenset)


def exact_repr(value, short):
    """The full repr of a built-in literal whose short repr was shortened (to re-run the call with the same
    value), else None."""
    if type(value) not in _LITERAL or (type(value) in _SIZED and len(value) > MAX_EXACT // 4):
        return None
    try:
        s = repr(value)
    except Exception:  # noqa: BLE001 - a nested failing __repr__
        return None
    return s if s != short and len(s) <= MAX_EXACT else None


def exc_text(exc):
    try:
        msg = str(exc)
    except Exception as err:  # noqa: BLE001
        msg = "<str failed: %s>" % type(err).__name__
    msg = msg if len(msg) <= MAX_REPR else msg[:MAX_REPR - 1] + "…"
    return type(exc).__name__ + (": " + msg if msg else "")

