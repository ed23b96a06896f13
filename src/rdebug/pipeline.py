"""One repair pipeline: intake -> context (+ file hashes) -> candidates -> verification -> apply.

``DebugSession`` (the TUI), ``rdebug fix`` and ``rdebug eval`` drive the same small steps:

- ``gather``: the intake (an ``IntakeRequest`` -> an ``IntakeResult`` with the failures);
- ``Pipeline.open``/``Pipeline.load``: the one way to load a backend: its events, and on failure the
  Error event followed by ``ModelError`` (the backend is closed);
- ``Pipeline.prepare``: a problem -> a ``Job``: packed context, file hashes, the failing command and the
  regression command (one rule: ``regression_command``);
- ``Pipeline.candidates``: a ``CandidateRound`` that runs each candidate source on the job (the mutation
  search, the model's repair loop, then the search near the model's failed candidates); every candidate
  is verified on a scratch copy as it is produced;
- ``recheck``: a patch written to a disposable tree and the failing command re-run on its own (eval);
- ``apply``: a chosen candidate written to the user's tree (backed up, undoable).

A new kind of candidate (parallel samples, mutation search) is one more entry in ``Pipeline.sources``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Protocol, Sequence

from rdebug.config import Config
from rdebug.context.model import PackedContext
from rdebug.errors import ModelError
from rdebug.events import Error, ModelReady, PatchApplied, RuntimeEvent, SessionEvent
from rdebug.intake.model import IntakeRequest, Problem
from rdebug.patch.attempt import Candidates
from rdebug.runtime.base import Backend, ChatMessage

if TYPE_CHECKING:
    from rdebug.facts.spectrum import SuspiciousLine
    from rdebug.intake.collect import IntakeResult
    from rdebug.patch.diff import Patch
    from rdebug.patch.verify import SharedBaseline


# --- intake -----------------------------------------------------------------------------------------------
def intake_note(request: IntakeRequest) -> str | None:
    """What the intake is about to do, when it runs something ("running the tests …")."""
    if request.command:
        return f"running {' '.join(request.command)} …"
    if request.trace_text is None and request.free_text is None:
        return "running the tests …"
    return None


def gather(request: IntakeRequest) -> "IntakeResult":
    """Run the intake: the command, trace or text -> the failures (``problems`` empty when all passed)."""
    from rdebug.intake.collect import gather as collect

    return collect(request)


# --- context ----------------------------------------------------------------------------------------------
def regression_command(root: Path, test_cmd: Sequence[str] | None, command: Sequence[str] | None) -> list[str] | None:
    """The project's test suite (``test_cmd``, else detected), run to catch new failures; None when it is
    unknown or is the failing command itself."""
    from rdebug.intake.detect import detect_test_command

    suite = list(test_cmd) if test_cmd else detect_test_command(root)
    return list(suite) if suite and list(suite) != list(command or []) else None


@dataclass
class Job:
    """One problem, ready for the candidate stage: what the model sees and how a patch is verified."""

    root: Path
    problem: Problem
    context: PackedContext
    prompt_text: str  # the context as the prompt shows it
    hashes: dict[str, str | None]  # the files the context shows, as they were: a patch applies only to those
    command: list[str] | None  # reproduces the failure; None: patches cannot be verified
    regression_cmd: list[str] | None = None
    timeout_s: float = 300.0
    suspicious: list["SuspiciousLine"] = field(default_factory=list)  # the spectrum's lines, most suspicious first
    baseline: "SharedBaseline | None" = None  # the runs before any patch, shared by one round's sources

    def shared_baseline(self) -> "SharedBaseline":
        """The runs before any patch for this job's command and suite (run once, when first needed)."""
        from rdebug.patch.verify import SharedBaseline

        return SharedBaseline(self.root, self.command, self.regression_cmd, self.timeout_s)


# --- candidates -------------------------------------------------------------------------------------------
@dataclass
class RoundOptions:
    """How one candidate round runs."""

    attempts: int = 3
    samples: int = 1
    all_candidates: bool = False  # every candidate is verified and ranked (else the first verified ends it)
    thinking: bool | None = None  # None: the model's default
    think_budget: int | None = None
    max_tokens: int = 2048
    verify: bool = True
    question: bool = False  # the last turn of ``history`` is a follow-up question: one reply
    history: list[ChatMessage] = field(default_factory=list)
    search: bool = True  # the mutation search (rdebug.search)
    search_max: int = 300
    search_seconds: float = 60.0
    search_beside: bool = True  # the search runs while the model decodes (else before it)

    @classmethod
    def from_config(cls, cfg: Config, **overrides) -> "RoundOptions":
        base = cls(attempts=cfg.attempts, samples=cfg.samples, all_candidates=cfg.all_candidates,
                   thinking=cfg.thinking,
                   think_budget=cfg.think_budget, max_tokens=cfg.max_tokens, search=cfg.search,
                   search_max=cfg.search_max, search_seconds=cfg.search_seconds,
                   search_beside=cfg.search_beside)
        return replace(base, **overrides)


class CandidateSource(Protocol):
    """Produces candidate fixes (``rdebug.patch.loop.Attempt``), each verified as it comes."""

    attempts: list
    history: list[ChatMessage]

    def run(self) -> Iterator[SessionEvent]: ...

    def cancel(self) -> None: ...


SourceFactory = Callable[[Job, Backend, RoundOptions], CandidateSource]


def model_source(job: Job, backend: Backend, opts: RoundOptions) -> CandidateSource:
    """The model's repair loop: ask, verify, feed the failure back, ask again."""
    from rdebug.patch.loop import RepairLoop

    return RepairLoop(
        job.problem, job.prompt_text, backend, job.root, job.command,
        attempts=opts.attempts, samples=opts.samples, timeout_s=job.timeout_s,
        regression_cmd=job.regression_cmd, thinking=opts.thinking, think_budget=opts.think_budget,
        max_tokens=opts.max_tokens, expected_hashes=job.hashes, history=opts.history,
        verify=opts.verify, question=opts.question, all_candidates=opts.all_candidates, baseline=job.baseline,
    )


def search_source(job: Job, backend: Backend, opts: RoundOptions) -> CandidateSource:
    """The mutation search: small edits at the suspicious lines, verified in a small pool; a verified one
    ends the round (the model explains it). It runs beside the model's loop that follows it
    (``search_beside``), else before it."""
    from rdebug.search.source import search_source as make

    return make(job, backend, opts)


def near_miss_source(job: Job, backend: Backend, opts: RoundOptions) -> CandidateSource:
    """The search again, short, at the lines the model's failed candidates changed (on top of them)."""
    from rdebug.search.nearmiss import near_miss_source as make

    return make(job, backend, opts)


DEFAULT_SOURCES: tuple[SourceFactory, ...] = (search_source, model_source, near_miss_source)


class CandidateRound(Candidates):
    """The candidate stage for one job: each source in turn, until one yields a verified fix.

    After ``run()``: ``attempts`` (all sources'), ``best``, ``history`` (the chat after the prompt's
    prefix), ``fatal`` (the backend's fatal error, if any) and ``cancelled``.
    """

    def __init__(self, sources: Sequence[CandidateSource], history: Sequence[ChatMessage] = ()) -> None:
        self.sources = list(sources)
        self.history: list[ChatMessage] = list(history)
        self.fatal: str | None = None
        super().__init__()
        self._current: CandidateSource | None = None
        for i, source in enumerate(self.sources):  # a source that builds on the earlier ones' attempts
            if hasattr(source, "follow"):
                source.follow(self.sources[:i])

    @property
    def attempts(self) -> list:
        return [a for source in self.sources for a in source.attempts]

    def cancel(self) -> None:
        """Stop the round: the running source now, the others before they start."""
        self._cancel.set()
        running = self._current  # read once: the round's thread may clear it meanwhile
        if running is not None:
            running.cancel()

    def run(self) -> Iterator[SessionEvent]:
        for source in self.sources:
            if self.cancelled:
                return
            self._current = source
            try:
                for ev in source.run():
                    if isinstance(ev, Error) and ev.fatal:
                        self.fatal = ev.message
                    yield ev
            finally:
                self._current = None
            self.history = list(source.history)
            if self.fatal or any(a.verified for a in source.attempts):
                return


def side_by_side(sources: Sequence[CandidateSource]) -> list[CandidateSource]:
    """The search (when it is on) and the model's loop right after it become one source: the search runs on
    a thread beside the model (``rdebug.search.beside``)."""
    from rdebug.patch.loop import RepairLoop
    from rdebug.search.beside import SearchBesideModel
    from rdebug.search.nearmiss import NearMissSource
    from rdebug.search.source import SearchSource

    out: list[CandidateSource] = []
    for source in sources:
        last = out[-1] if out else None
        if (isinstance(source, RepairLoop) and isinstance(last, SearchSource) and not isinstance(last, NearMissSource)
                and last.enabled and not source.question):
            out[-1] = SearchBesideModel(last, source, all_candidates=source.all_candidates)
        else:
            out.append(source)
    return out


# --- the pipeline -----------------------------------------------------------------------------------------
class Pipeline:
    """The stages with the model they share: load it once, then prepare jobs and run candidate rounds."""

    def __init__(self, cfg: Config, backend_factory: Callable[[Config], Backend] | None = None,
                 sources: Sequence[SourceFactory] | None = None) -> None:
        self.cfg = cfg
        self.sources: list[SourceFactory] = list(DEFAULT_SOURCES if sources is None else sources)
        self._factory = backend_factory
        self.backend: Backend | None = None
        self.ready: ModelReady | None = None

    def open(self) -> Backend:
        """The configured backend, not loaded yet (``load`` loads it)."""
        if self.backend is None:
            factory = self._factory
            if factory is None:
                from rdebug.runtime import open_backend as factory
            self.backend = factory(self.cfg)
        return self.backend

    def load(self) -> Iterator[RuntimeEvent]:
        """Load the model unless it is loaded, yielding its events; after an Error event: ModelError."""
        if self.backend is not None and self.ready is not None:
            return
        backend = self.open()
        for ev in backend.load():
            yield ev
            if isinstance(ev, Error):
                self.backend = None
                backend.close()
                raise ModelError(ev.message)
            if isinstance(ev, ModelReady):
                self.ready = ev

    def forget_model(self) -> None:
        """After a fatal backend error: the next ``load`` starts a fresh backend."""
        self.backend, self.ready = None, None

    def close(self) -> None:
        backend, self.backend, self.ready = self.backend, None, None
        if backend is not None:
            backend.close()

    def prepare(self, problem: Problem, root: Path, command: Sequence[str] | None, *,
                test_cmd: Sequence[str] | None = None, regressions: bool = True, timeout_s: float | None = None,
                include: Sequence[str] = (), exclude: Sequence[str] = ()) -> Job:
        """The context stage: pack the code the problem needs (counted with the model's tokenizer when it
        is loaded) and remember the files' hashes."""
        from rdebug.context.build import build_context
        from rdebug.context.render import format_for_prompt
        from rdebug.patch.diff import file_hashes

        counter = self.backend.count_tokens if self.backend is not None else None
        spectrum = None
        if self.cfg.spectrum:  # the tests under a line tracer, in the background while the context is built
            from rdebug.facts.spectrum import SpectrumStage

            spectrum = SpectrumStage(root, command, regression_command(root, test_cmd, command) if regressions
                                     else None, self.cfg.timeout if timeout_s is None else timeout_s)
        context = build_context(problem, root, budget=self.cfg.budget, count_tokens=counter,
                                include=list(include), exclude=list(exclude),
                                extra=spectrum.snippets if spectrum else None)
        if self.cfg.calls:  # the failing test re-run alone under the call recorder (pytest), in a scratch copy
            from rdebug.facts.stage import attach_calls

            context, _ = attach_calls(context, problem, root, command, count_tokens=counter,
                                      timeout_s=self.cfg.timeout if timeout_s is None else timeout_s)
        suspicious = spectrum.finish(context) if spectrum else []
        return Job(
            root=root, problem=problem, context=context, prompt_text=format_for_prompt(context),
            hashes=file_hashes(root, [s.path for s in context.snippets]),
            command=list(command) if command else None,
            regression_cmd=regression_command(root, test_cmd, command) if regressions else None,
            timeout_s=self.cfg.timeout if timeout_s is None else timeout_s, suspicious=suspicious,
        )

    def candidates(self, job: Job, opts: RoundOptions | None = None) -> CandidateRound:
        """The candidate stage for ``job`` (the model must be loaded): run it with ``run()``."""
        if self.backend is None:
            raise ModelError("no model loaded")
        opts = opts or RoundOptions.from_config(self.cfg)
        job = replace(job, baseline=job.shared_baseline())  # made once per round, for all its sources
        sources = [make(job, self.backend, opts) for make in self.sources]
        return CandidateRound(side_by_side(sources) if opts.search_beside else sources, opts.history)


# --- verification and apply -------------------------------------------------------------------------------
def recheck(job: Job, patch: "Patch") -> bool:
    """Write ``patch`` into ``job.root`` (a disposable copy: eval's) and re-run the failing command on its own;
    True when it passes (a timeout does not)."""
    from rdebug.intake.runner import run_command
    from rdebug.patch.scratch import write_patch

    if not job.command:
        return False
    write_patch(job.root, patch)
    return run_command(job.command, job.root, timeout_s=job.timeout_s).passed


def apply(job: Job, patch: "Patch") -> PatchApplied:
    """Write a patch to the user's tree, backed up (refused when a file changed since the context was built)."""
    from rdebug.patch.apply import apply_patch

    record = apply_patch(job.root, patch, job.hashes)
    return PatchApplied(files=list(record.files), backup_id=record.id)
