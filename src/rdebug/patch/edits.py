"""Edits from a model reply: SEARCH/REPLACE blocks, unified diffs, whole-function code blocks."""

from __future__ import annotations

import re

from rdebug.patch.model import Edit, ParsedEdits
from rdebug.patch.udiff import parse_unified_diffs

__all__ = ["Edit", "ParsedEdits", "parse_edits"]

# ``<<<<<<< SEARCH`` … ``>>>>>>> REPLACE``; small models also write git-conflict style markers,
# ``<<<<<<< src/a.py`` (the path on the marker), ``<<<<<<< HEAD`` or a bare ``<<<<<<<``.
SEARCH_RE = re.compile(r"^\s*<{5,9}\s*(SEARCH\b.*|ORIGINAL|HEAD|(?P<path>[^\s<>=]+)|)\s*$", re.IGNORECASE)
DIVIDER_RE = re.compile(r"^\s*={5,9}\s*$")
REPLACE_RE = re.compile(r"^\s*>{5,9}\s*((REPLACE|UPDATED)\b.*|[^\s<>=]+|)\s*$", re.IGNORECASE)
FENCE_RE = re.compile(r"^\s*(```+|~~~+)\s*(.*)$")
PATH_TOKEN_RE = re.compile(r"[\w@+\-.]*(?:[/\\][\w@+\-.]+)*\.[A-Za-z][\w]{0,9}")
NOT_CODE = {"bash", "sh", "shell", "console", "text", "txt", "output", "log", "diff", "patch", "json", "toml"}
ELIDED_RE = re.compile(
    r"^\s*(#|//|/\*|--)\s*(\.\.\.|…|(rest|remainder) of|existing code|unchanged|same as before)", re.IGNORECASE
)


def clean_path(text: str) -> str | None:
    """A file path from a decorated line (``**src/a.py**``, ``File: `a.py` ``, ``# a.py:``), else None."""
    s = text.strip().strip("*`'\"").strip()
    s = re.sub(r"^(#+|//|--)\s*", "", s)
    s = re.sub(r"^(file(name)?|path)\s*[:=]\s*", "", s, flags=re.IGNORECASE)
    s = s.strip("*`'\" ").rstrip(":").strip("*`'\" ")
    if s.startswith(("a/", "b/")) and "/" in s[2:]:
        s = s[2:]
    if not s or " " in s or not PATH_TOKEN_RE.fullmatch(s):
        return None
    return s.replace("\\", "/")


def path_in_fence_info(info: str) -> str | None:
    """``python src/a.py``, ``src/a.py``, ``python:src/a.py``, ``python title=src/a.py`` → the path."""
    for token in re.split(r"[\s:=]+", info.strip()):
        path = clean_path(token)
        if path and ("/" in path or "." in path):
            return path
    return None


def path_in_line(line: str) -> str | None:
    """The only path-like token of a prose line ("In `src/a.py`:"), else None."""
    found = {clean_path(m.group(0)) for m in PATH_TOKEN_RE.finditer(line)}
    found.discard(None)
    found = {p for p in found if "/" in p or not re.fullmatch(r"\w+\.\w+", p) or _has_code_ext(p)}
    return found.pop() if len(found) == 1 else None


def _has_code_ext(path: str) -> bool:
    ext = path.rsplit(".", 1)[-1].lower()
    return ext in {"py", "js", "mjs", "cjs", "ts", "tsx", "jsx", "go", "rs", "java", "c", "h", "cc", "cpp",
                   "hpp", "cxx", "rb", "php", "cs", "kt", "swift", "toml", "cfg", "ini", "json", "yaml", "yml",
                   "txt", "md", "sh"}


def _join(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


def elided(replace: str, search: str = "") -> bool:
    """Does the replacement leave code out ("# ... existing code") that the SEARCH text did not?"""
    marks = [ln for ln in replace.splitlines() if ELIDED_RE.match(ln)]
    return bool(marks) and not any(ELIDED_RE.match(ln) for ln in search.splitlines())


def _search_replace_blocks(lines: list[str], out: ParsedEdits) -> None:
    last_path: str | None = None
    fence_path: str | None = None
    in_fence = False
    i, n, index = 0, len(lines), 0
    while i < n:
        line = lines[i]
        fence = FENCE_RE.match(line)
        if fence:
            in_fence = not in_fence if not fence.group(2) else True
            fence_path = path_in_fence_info(fence.group(2)) if in_fence else None
            i += 1
            continue
        if not SEARCH_RE.match(line):
            i += 1
            continue
        index += 1
        marker = SEARCH_RE.match(line).group("path")
        path = (clean_path(marker) if marker else None) or _path_before(lines, i) or fence_path or last_path
        search: list[str] = []
        replace: list[str] = []
        j = i + 1
        while j < n and not DIVIDER_RE.match(lines[j]) and not SEARCH_RE.match(lines[j]):
            search.append(lines[j])
            j += 1
        if j >= n or not DIVIDER_RE.match(lines[j]):
            out.problems.append(f"SEARCH block {index} has no ======= divider; use SEARCH / ======= / REPLACE")
            i = j
            continue
        j += 1
        while j < n and not REPLACE_RE.match(lines[j]) and not SEARCH_RE.match(lines[j]):
            replace.append(lines[j])
            j += 1
        if j >= n or not REPLACE_RE.match(lines[j]):
            if j >= n and replace and FENCE_RE.match(replace[-1]):
                replace.pop()  # reply ended with the fence instead of the marker: accept
            else:
                out.problems.append(f"SEARCH block {index} is not closed with >>>>>>> REPLACE")
                i = j
                continue
        edit = Edit(path, _join(search), _join(replace), origin="block", index=index)
        if elided(edit.replace, edit.search):
            out.problems.append(f"{edit.label} leaves code out ('...'); write every line of the replacement")
        else:
            out.edits.append(edit)
        last_path = path or last_path
        i = j + 1


def _path_before(lines: list[str], i: int) -> str | None:
    """The path on the nearest non-blank line above a SEARCH marker (skipping a fence opener)."""
    j = i - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    if j >= 0 and FENCE_RE.match(lines[j]):
        info = FENCE_RE.match(lines[j]).group(2)
        from_info = path_in_fence_info(info)
        if from_info:
            return from_info
        j -= 1
        while j >= 0 and not lines[j].strip():
            j -= 1
    if j < 0:
        return None
    return (clean_path(lines[j]) or (path_in_line(lines[j]) if lines[j].rstrip().endswith(":") else None)
            or path_at_start(lines[j]))


LEADING_PATH_RE = re.compile(
    r"^\s*(?:#+|//|--|/\*|\*\*?)?\s*(?:file(?:name)?\s*[:=]\s*)?[`*]*([\w@+\-./\\]+\.[A-Za-z]\w{0,9})[`*]*"
    r"(?::\d+)?(?=[\s:*`(,—–-]|$)", re.IGNORECASE)


def path_at_start(line: str) -> str | None:
    """A code file path leading a comment or heading with more after it: ``# paging.py (lines 14-16) — …``,
    ``### src/a.js (lines 3-9)``, ``// util.go``."""
    m = LEADING_PATH_RE.match(line)
    path = clean_path(m.group(1)) if m else None
    return path if path and _has_code_ext(path) else None


def _path_in_first_comment(body: list[str]) -> str | None:
    """The path a code block's first line names in a comment (``# paging.py (lines 14-16)``)."""
    first = next((ln for ln in body if ln.strip()), "")
    if first.lstrip().startswith(("#", "//", "--", "/*")):
        return path_at_start(first)
    bare = clean_path(first)  # the path line put inside the fence
    return bare if bare and "/" in bare or bare and _has_code_ext(bare) else None


NUMBERED_LINE_RE = re.compile(r"^(?:>{1,2}|  )?\s*(\d+) \| ?(.*)$")  # ">>" marks failing lines; models write ">" too
GAP_LINE_RE = re.compile(r"^\s*\| \.\.\.\s*$")  # the listing's mark for lines left out (a module skeleton)


def listing_with_gaps(lines: list[str]) -> bool:
    """Our context listing copied back with its ``| ...`` gaps (small models echo skeletons as "unchanged"):
    numbered lines and gap marks only. It leaves code out, so it is never an edit."""
    content = [ln for ln in lines if ln.strip()]
    return (any(GAP_LINE_RE.match(ln) for ln in content)
            and all(GAP_LINE_RE.match(ln) or NUMBERED_LINE_RE.match(ln) for ln in content))


def strip_numbers(lines: list[str]) -> tuple[list[str], tuple[int, int] | None]:
    """Lines copied from the prompt's listing (``  12 | code``, ``>>13 | code``) without their numbers,
    and the span they claim; unchanged (and no span) unless the listing's lines lead and make most of it.

    Unnumbered lines among them are kept as they are: small models write lines they add that way.
    """
    content = [NUMBERED_LINE_RE.match(ln) for ln in lines if ln.strip()]
    numbered = [m for m in content if m]
    if not content or not content[0] or len(numbered) < max(2, (len(content) * 3 + 4) // 5) and not all(content):
        return lines, None
    numbers = [int(m.group(1)) for m in numbered]
    stripped = []
    for ln in lines:
        m = NUMBERED_LINE_RE.match(ln) if ln.strip() else None
        stripped.append(m.group(2) if m else ln)
    return stripped, (min(numbers), max(numbers))


def _code_blocks(lines: list[str], out: ParsedEdits) -> None:
    """Fenced code blocks that name a file (or define functions): whole definitions to swap in."""
    i, n, index = 0, len(lines), 0
    carried: str | None = None  # a path named by a block that held only that name
    while i < n:
        fence = FENCE_RE.match(lines[i])
        if not fence:
            i += 1
            continue
        marker, info = fence.group(1), fence.group(2).strip()
        j = i + 1
        while j < n and not lines[j].strip().startswith(marker):
            j += 1
        body = lines[i + 1 : j]
        lang = info.split()[0].split(":")[0].lower() if info else ""
        if lang not in NOT_CODE and body:
            from_comment = None if path_in_fence_info(info) else _path_in_first_comment(body)
            path = path_in_fence_info(info) or from_comment or carried
            carried = None
            if from_comment:  # the comment line naming the file is not code
                first = next(n for n, ln in enumerate(body) if ln.strip())
                body = body[:first] + body[first + 1:]
            if from_comment and not any(ln.strip() for ln in body) and j < n and FENCE_RE.match(lines[j]).group(2):
                # "```python / # paging.py (lines 9-17) / ```python / code / ```": the second fence
                # opens the block the comment names
                carried, i = from_comment, j
                continue
            if listing_with_gaps(body):  # quoted, not written: no edit, and no reason to refuse the reply
                i = j + 1
                continue
            body, span = strip_numbers(body)
            if path is None and i > 0:
                k = i - 1
                while k >= 0 and not lines[k].strip():
                    k -= 1
                path = (clean_path(lines[k]) or path_in_line(lines[k]) or path_at_start(lines[k])) if k >= 0 else None
            index += 1
            text = _join(body)
            if elided(text):
                out.problems.append(f"code block {index} leaves code out ('...'); write complete definitions")
            else:
                out.edits.append(Edit(path, "", text, kind="function", origin="code", index=index, lines=span))
        i = j + 1


def parse_edits(reply: str) -> ParsedEdits:
    """Every edit in ``reply``; what could not be understood goes to ``problems``."""
    lines = reply.replace("\r\n", "\n").split("\n")
    out = ParsedEdits()
    _search_replace_blocks(lines, out)
    if not out.edits and not out.problems:
        diff_edits, diff_problems = parse_unified_diffs(lines)
        out.edits.extend(diff_edits)
        out.problems.extend(diff_problems)
    if not out.edits and not out.problems:
        _code_blocks(lines, out)
    if not out.edits and not out.problems:
        out.problems.append(
            "the reply contains no edits; answer with SEARCH/REPLACE blocks (file path line, "
            "<<<<<<< SEARCH, exact old lines, =======, new lines, >>>>>>> REPLACE)"
        )
    return out
