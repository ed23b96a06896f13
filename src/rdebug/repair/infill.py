"""Infill candidates (issue 21 §5, after AlphaRepair and "Practical program repair in the era of large
pre-trained language models"): one suspicious line of the chosen function is masked and the loaded model fills
it in, several short fills decoded together; each fill is a candidate verified by the search's pool like a
mutation. This reaches one-line fixes no mutation operator writes (``return None`` → ``raise last``).

With a model that has fill-in-the-middle tokens (Qwen2.5-Coder's, read from the GGUF by llama.cpp) the request
is the file's prefix and suffix around the hole; otherwise (``fim`` off, or no FIM tokens) a chat request
shows the function with the line marked and the reply is pre-filled with the function up to the hole.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from rdebug.events import AnswerDelta, Done, Error, SessionEvent, Status, profile_of
from rdebug.job import Job, RoundOptions, model_stats
from rdebug.patch.diff import make_patch, validate_patch
from rdebug.intake.testfiles import edited_tests
from rdebug.prompts import fix_prefix
from rdebug.repair.choose import choose_site
from rdebug.repair.sites import Site, rank_sites
from rdebug.runtime.base import ChatMessage, GenerationRequest
from rdebug.runtime.samples import generate_candidates
from rdebug.search.candidates import Candidate
from rdebug.search.mutation import Mutation
from rdebug.search.source import SearchSource
from rdebug.search.suspicious import suspicious_lines

HOLES = 3  # lines masked, most suspicious first
FILLS = 3  # fills decoded per hole
MAX_FILL_TOKENS = 48
CONTEXT_LINES = (80, 40)  # file lines kept before and after the hole in a FIM prompt
SKIP = ("def ", "async def ", "class ", "function ", "@", "#", "//", '"""', "'''", "}", ")", "]", "else:",
        "try:", "finally:")
MARK = "<FILL THIS LINE>"

ASK = """In `{name}` ({path}) one line is missing; it is marked `{mark}`:
```{fence}
{text}
```
Write the missing line so that the failing test passes. Reply with that one line only."""


@dataclass(frozen=True)
class Hole:
    """One masked line: where it is and the text around it."""

    site: Site
    line: int  # 1-based line of the file
    indent: str
    original: str  # the line's text without its indentation
    before: str  # the file up to the line's start
    after: str  # the file after the line's end (from its newline on)


def holes(job: Job, site: Site, text: str, limit: int = HOLES) -> list[Hole]:
    """The most suspicious statement lines of ``site`` (not its signature, decorators, comments or closers)."""
    scores = {s.line: s.score for s in suspicious_lines(job.problem, job.context, job.suspicious)
              if s.path == site.path}
    lines = text.split("\n")
    found = []
    for n in range(site.start, min(site.end, len(lines)) + 1):
        body = lines[n - 1].strip()
        if not body or body.startswith(SKIP) or n == site.start:
            continue
        found.append((-scores.get(n, 0.0), -int(body.startswith(("return", "raise", "if ", "elif ", "while "))),
                      -n, n))
    out = []
    for *_, n in sorted(found)[:limit]:
        raw = lines[n - 1]
        indent = raw[: len(raw) - len(raw.lstrip())]
        out.append(Hole(site, n, indent, raw.strip(), "\n".join(lines[: n - 1]) + ("\n" if n > 1 else ""),
                        "\n" + "\n".join(lines[n:])))
    return out


def fill_request(hole: Hole, prefix: list[ChatMessage], fim: bool, n: int) -> GenerationRequest:
    """The request for ``n`` fills of ``hole``: fill-in-the-middle, or a chat turn with the function pre-filled."""
    if fim:
        before = "".join(hole.before.splitlines(keepends=True)[-CONTEXT_LINES[0]:])
        after = "".join(hole.after.splitlines(keepends=True)[: CONTEXT_LINES[1] + 1])
        return GenerationRequest(messages=[], fim=(before + hole.indent, after), max_tokens=MAX_FILL_TOKENS,
                                 thinking=False, stop=["\n"], n=n, explore=n > 1)
    site = hole.site
    lines = site.text.split("\n")
    at = hole.line - site.start
    marked = "\n".join(lines[:at] + [lines[at][: len(lines[at]) - len(lines[at].lstrip())] + MARK] + lines[at + 1:])
    ask = ASK.format(name=site.name, path=site.path, mark=MARK, fence=site.fence, text=marked)
    start = "\n".join(lines[:at]) + "\n" + lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    return GenerationRequest(messages=list(prefix) + [ChatMessage("user", ask)], max_tokens=MAX_FILL_TOKENS,
                             thinking=False, stop=["\n"], n=n, explore=n > 1,
                             prefill=f"```{site.fence}\n{start}")


def fill_candidates(hole: Hole, text: str, fills: list[str], score: float) -> list[Candidate]:
    """A candidate per distinct fill that changes the line and keeps the file parsing."""
    out: list[Candidate] = []
    seen = {hole.original}
    start = len(hole.before.encode("utf-8"))
    end = start + len((hole.indent + hole.original).encode("utf-8"))
    for fill in fills:
        line = fill.split("\n", 1)[0].rstrip().lstrip("`")
        body = line.strip()
        if not body or body in seen or body == MARK:
            continue
        seen.add(body)
        m = Mutation(hole.site.path, hole.line, "infill", start, end, hole.indent + body, hole.original, body)
        new = m.apply(text.encode("utf-8")).decode("utf-8", errors="replace")
        patch = make_patch({hole.site.path: (text, new)})
        if not validate_patch(patch):
            out.append(Candidate(m, patch, score))
    return out


class InfillSource(SearchSource):
    """The model fills masked lines of the chosen function; the search's pool verifies each fill."""

    SOURCE = "infill"

    def __init__(self, job: Job, backend, opts: RoundOptions, **kwargs) -> None:
        super().__init__(job, backend, opts, **kwargs)
        self.enabled = self.enabled and opts.infill
        self.fills = 0  # fills decoded

    def _label(self, cand: Candidate) -> str:
        return f"filled by the model: {cand.label}"

    def _search(self) -> Iterator[SessionEvent]:
        job = self.job
        stats = model_stats(self.backend)
        profile = profile_of(stats)
        if profile.edit_format != "function":
            return None
        sites = rank_sites(job)
        if not sites:
            return None
        prefix = fix_prefix(job.problem, job.prompt_text, list(job.hashes), profile, False)
        if self.opts.localize and len(sites) > 1:
            sites = yield from choose_site(self.backend, prefix, job, sites, self._cancel)
        site = sites[0]
        if edited_tests([site.path], job.problem):
            return None
        try:
            text = (Path(job.root) / site.path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        use_fim = profile.fim and self.opts.fim
        found: list[Candidate] = []
        for hole in holes(job, site, text):
            fills = yield from self._fills(fill_request(hole, prefix, use_fim, FILLS))
            found += fill_candidates(hole, text, fills, site.score)
            if self.cancelled:
                return None
        self.candidates = len(found)
        if not found:
            yield Status(f"infill: no usable fill for {site.name}")
            return None
        yield Status(f"infill: verifying {len(found)} fills of {site.name} "
                     f"({'fill-in-the-middle' if use_fim else 'prefix completion'}) …")
        return (yield from self._verify(found, self._baseline_runs(), len(found), "no fill made the tests pass"))

    def _fills(self, request: GenerationRequest) -> Iterator[SessionEvent]:
        """Decode ``request.n`` fills (together where the backend can); their texts."""
        texts = [""] * request.n
        try:
            for ev in generate_candidates(self.backend, request, None, model_stats(self.backend)):
                if isinstance(ev, AnswerDelta) and 0 <= ev.candidate < len(texts):
                    texts[ev.candidate] += ev.text
                elif isinstance(ev, Error):
                    yield Status(f"infill: {ev.message}")
                    return []
                elif isinstance(ev, Done) and self.cancelled:
                    return []
        except Exception as exc:  # noqa: BLE001 - infill is optional: its failure is a status line
            yield Status(f"infill: stopped by an error: {type(exc).__name__}: {exc}")
            return []
        self.fills += len(texts)
        return texts


def infill_source(job: Job, backend, opts: RoundOptions) -> InfillSource:
    """The pipeline's infill stage (``infill = false`` turns it off), within the search's caps."""
    return InfillSource(job, backend, opts, enabled=opts.search_max > 0, search_max=opts.search_max,
                        search_seconds=opts.search_seconds)
