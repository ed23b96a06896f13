"""One small edit at a suspicious line: where, which kind, and what it says in a label."""

from __future__ import annotations

from dataclasses import dataclass

# the edit kinds (their priors are measured on bench/cases: see priors.py): the operators' token edits …
OPERATOR_KINDS = (
    "comparison",  # < <= > >= == != is
    "arithmetic",  # + - * / // % and their augmented forms
    "boolean",  # and/or, &&/||, True/False
    "negation",  # drop a `not`/`!`, or negate a condition
    "off-by-one",  # add or remove ± 1 in a bound, index, operand
    "drop-term",  # `a - b` -> `a` in a range/slice/loop bound
    "constant",  # integer 0<->1, x/÷ 10, 100, 1000
    "ceil-division",  # a // b -> -(-a // b); Math.floor -> Math.ceil
    "swap-args",  # f(a, b) -> f(b, a)
    "variable",  # a local replaced by another local
    "return",  # return another local
    "receiver",  # a missing self./this.
    "numeric-sort",  # JavaScript .sort() -> .sort((a, b) => a - b)
    "strict-equality",  # JavaScript == -> ===, != -> !==
)
# … and the fix templates' edits (TBar, Gamma: rdebug.search.templates)
TEMPLATE_KINDS = (
    "mutable-default",  # def f(x=[]) -> def f(x=None) + `if x is None: x = []`
    "reraise",  # a caught exception dropped -> raise it (Python), throw it (JavaScript)
    "missing-return",  # a function ending in a bare expression -> return it
    "deepcopy",  # dict(x), list(x), x.copy(), copy.copy(x) -> copy.deepcopy(x); {...x} -> structuredClone(x)
    "is-literal",  # x is 1 -> x == 1; x == None -> x is None
    "append-extend",  # .append(x) <-> .extend(x); .push(x) <-> .push(...x)
    "min-max",  # min <-> max, Math.min <-> Math.max
    "missing-await",  # f() -> await f() in an async function
    "missing-break",  # `break` after the assignment ending an if block inside a loop
    "call-arg-off-by-one",  # f(xs, mid, end) -> f(xs, mid + 1, end)
    "bitwise",  # ^ & | and << >>
    "exception-class",  # except KeyError -> except LookupError (and the others)
    "promise-all",  # const xs = ids.map(f) -> const xs = await Promise.all(ids.map(f)), xs read as values
)
KINDS = OPERATOR_KINDS + TEMPLATE_KINDS


@dataclass(frozen=True)
class Mutation:
    """Replace the UTF-8 bytes ``start:end`` of ``path`` by ``replacement``; ``line`` is 1-based."""

    path: str
    line: int
    kind: str
    start: int
    end: int
    replacement: str
    before: str  # what is replaced, as the label shows it
    after: str
    extra: tuple[tuple[int, int, str], ...] = ()  # more (start, end, replacement) spans: an `import copy` added

    def apply(self, data: bytes) -> bytes:
        spans = sorted([(self.start, self.end, self.replacement), *self.extra], reverse=True)
        for start, end, replacement in spans:
            data = data[:start] + replacement.encode("utf-8") + data[end:]
        return data

    @property
    def label(self) -> str:
        """"`<` → `<=` in paging.py:14"."""
        return f"`{_short(self.before)}` → `{_short(self.after)}` in {self.path}:{self.line}"


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
