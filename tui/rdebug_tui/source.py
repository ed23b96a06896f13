"""Read a few lines of a repository file (read-only) around a failing line, for display."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text

MAX_BYTES = 2_000_000


LEXERS = {
    ".py": "python", ".pyi": "python", ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript",
    ".jsx": "jsx", ".ts": "typescript", ".tsx": "tsx", ".go": "go", ".rs": "rust", ".java": "java",
    ".kt": "kotlin", ".c": "c", ".h": "c", ".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp", ".hpp": "cpp",
    ".rb": "ruby", ".cs": "csharp", ".sh": "bash", ".toml": "toml", ".json": "json", ".yaml": "yaml",
    ".yml": "yaml",
}


def lexer_for(path: str) -> str:
    """A Pygments lexer name from the file name alone.

    Common extensions come from a table; Pygments' own filename matching (0.2 s: it compiles a
    pattern per lexer) is the fallback, and Rich's ``guess_lexer`` (0.5 s: it also scores the content
    with every lexer) is not used, both being too slow for the first frame.
    """
    known = LEXERS.get(Path(path).suffix.lower())
    if known:
        return known
    from pygments.lexers import get_lexer_for_filename
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_for_filename(path)
    except ClassNotFound:
        return "text"
    return lexer.aliases[0] if lexer.aliases else "text"


def source_excerpt(root: Path, path: str, line: int | None, radius: int = 6) -> Text:
    """Lines around ``line`` with numbers, the failing line marked ``▶``; a note when unreadable."""
    try:
        base = root.resolve()
        target = (base / path).resolve()
        if not target.is_relative_to(base) or not target.is_file():
            return Text(f"{path}: not a file in the repository", style="dim")
        if target.stat().st_size > MAX_BYTES:
            return Text(f"{path}: too large to show", style="dim")
        code = target.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return Text(f"{path}: cannot read ({exc.strerror})", style="dim")
    lines = code.splitlines()
    if not lines:
        return Text(f"{path}: empty file", style="dim")
    focus = min(max(line or 1, 1), len(lines))
    first, last = max(1, focus - radius), min(len(lines), focus + radius)
    chunk = "\n".join(lines[first - 1:last])
    lexer = lexer_for(path)
    from rich.syntax import Syntax  # pygments: imported with the first source shown, not at launch

    highlighted = Syntax(chunk, lexer, theme="ansi_dark").highlight(chunk)
    width = len(str(last))
    out = Text()
    for number, text in zip(range(first, last + 1), highlighted.split("\n", allow_blank=True)):
        marked = number == line
        out.append("▶ " if marked else "  ", style="bold red")
        out.append(f"{number:>{width}} │ ", style="bold red" if marked else "dim")
        text.rstrip()
        if marked:
            text.stylize("bold on #3a1d1d")
        out.append_text(text)
        out.append("\n")
    out.rstrip()
    out.no_wrap = True
    out.overflow = "ellipsis"
    return out
