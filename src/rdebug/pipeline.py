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

The job, its options and the candidate-source protocol live below this module (``rdebug.job``); the round's
sources are composed explicitly (``rdebug.rounds.compose``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

from rdebug.config import Config
from rdebug.errors import ModelError
from rdebug.events import Error, ModelReady, PatchApplied, RuntimeEvent
from rdebug.intake.model import IntakeRequest, Problem
from rdebug.job import CandidateSource, Job, RoundOptions, SourceFactory
from rdebug.repair.loop import model_source
from rdebug.rounds import CandidateRound, Composed, compose
from rdebug.runtime.base import Backend
from rdebug.search.nearmiss import near_miss_source
from rdebug.search.source import search_source

if TYPE_CHECKING:
    from rdebug.intake.collect import IntakeResult
    from rdebug.patch.diff import Patch

__all__ = ["COMPOSE", "CandidateRound", "CandidateSource", "Job", "Pipeline", "RoundOptions", "apply", "gather",
           "intake_note", "model_source", "near_miss_source", "recheck", "regression_command", "search_source"]


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


# --- candidates -------------------------------------------------------------------------------------------
# the default round (``rdebug.rounds.compose``): the search beside the model, then the near-miss pass; tests of
# the model's loop swap in ``rounds.model_only``
COMPOSE: Callable[[Job, Backend, RoundOptions], Composed] = compose


# --- the pipeline -----------------------------------------------------------------------------------------
class Pipeline:
    """The stages with the model they share: load it once, then prepare jobs and run candidate rounds."""

    def __init__(self, cfg: Config, backend_factory: Callable[[Config], Backend] | None = None,
                 sources: Sequence[SourceFactory] | None = None) -> None:
        """``sources``: factories run in this order instead of the default round (``COMPOSE``)."""
        self.cfg = cfg
        self.sources: list[SourceFactory] | None = None if sources is None else list(sources)
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
                include: Sequence[str] = (), exclude: Sequence[str] = (), cfg: Config | None = None) -> Job:
        """The context stage: pack the code the problem needs (counted with the model's tokenizer when it
        is loaded) and remember the files' hashes. ``cfg``: another configuration than the pipeline's (an
        eval arm's; its load-time settings are the pipeline's)."""
        cfg = cfg or self.cfg
        from rdebug.context.build import build_context
        from rdebug.context.render import format_for_prompt
        from rdebug.patch.diff import file_hashes

        counter = self.backend.count_tokens if self.backend is not None else None
        spectrum = None
        if cfg.spectrum:  # the tests under a line tracer, in the background while the context is built
            from rdebug.facts.spectrum import SpectrumStage

            spectrum = SpectrumStage(root, command, regression_command(root, test_cmd, command) if regressions
                                     else None, cfg.timeout if timeout_s is None else timeout_s)
        context = build_context(problem, root, budget=cfg.budget, count_tokens=counter,
                                include=list(include), exclude=list(exclude),
                                extra=spectrum.snippets if spectrum else None)
        calls = None
        if cfg.calls:  # the failing test re-run alone under the call recorder (pytest), in a scratch copy
            from rdebug.facts.stage import attach_calls

            context, calls = attach_calls(context, problem, root, command, count_tokens=counter,
                                          timeout_s=cfg.timeout if timeout_s is None else timeout_s)
        suspicious = spectrum.finish(context) if spectrum else []
        return Job(
            root=root, problem=problem, context=context, prompt_text=format_for_prompt(context),
            hashes=file_hashes(root, [s.path for s in context.snippets]),
            command=list(command) if command else None,
            regression_cmd=regression_command(root, test_cmd, command) if regressions else None,
            timeout_s=cfg.timeout if timeout_s is None else timeout_s, suspicious=suspicious, calls=calls,
        )

    def candidates(self, job: Job, opts: RoundOptions | None = None) -> CandidateRound:
        """The candidate stage for ``job`` (the model must be loaded): run it with ``run()``."""
        if self.backend is None:
            raise ModelError("no model loaded")
        opts = opts or RoundOptions.from_config(self.cfg)
        job = job.with_baseline()  # the runs before any patch: made once per round, for all its sources
        if self.sources is not None:
            built = Composed([make(job, self.backend, opts) for make in self.sources], [])
        else:
            built = COMPOSE(job, self.backend, opts)
        return CandidateRound(built.sources, opts.history, built.searches, built.model)


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
