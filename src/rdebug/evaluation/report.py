"""The evaluation's report: a row per case (and arm), a summary per arm, each arm against the base, JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Callable, Sequence, TextIO

from rdebug.config import Config
from rdebug.evaluation.arms import Arm, ArmSummary, arm_order


def _print_table(head: Sequence[str], rows: list[tuple[str, ...]], out: TextIO,
                 dim: Callable[[tuple[str, ...]], bool] = lambda row: False) -> None:
    if out.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table(*head)
        for row in rows:
            table.add_row(*row, style="dim" if dim(row) else None)
        Console(file=out).print(table)
        return
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    for row in [head, *rows]:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() + "\n")


def _verdict(r) -> str:
    return "yes" if r.fixed else ("error" if r.error else "no")


def _hidden(r) -> str:
    """The row's mark for the case's hidden check: passed, failed (wrong but verified), or none ran."""
    return "-" if r.hidden is None else "ok" if r.hidden else "WRONG"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _table(results, out: TextIO) -> None:
    rows = [(r.case, _verdict(r), r.source or "-", "yes" if r.first else "no", str(r.attempts), f"{r.seconds:.1f}",
             str(r.tokens), str(r.search_tried), _hidden(r)) for r in results]
    head = ("case", "fixed", "by", "first try", "attempts", "seconds", "tokens", "searched", "hidden")
    _print_table(head, rows, out, lambda row: row[1] != "yes")


def _arms_tables(arms: list[Arm], results: dict, summaries: dict[str, ArmSummary], out: TextIO) -> None:
    """Per case one row per arm, then one summary row per arm."""
    rows = [(r.case, arm.name, _verdict(r), r.source or "-", "yes" if r.first else "no", str(r.attempts),
             _seconds(r.fix_s), f"{r.seconds:.1f}", str(r.tokens), str(r.tried), _hidden(r))
            for i in range(len(results[arms[0].name])) for arm in arms for r in [results[arm.name][i]]]
    _print_table(("case", "arm", "fixed", "by", "first try", "attempts", "fix s", "seconds", "tokens", "tried",
                  "hidden"),
                 rows, out, lambda row: row[2] != "yes")
    out.write("\n")
    rows, base = [], arms[0]
    for arm in arms:
        s = summaries[arm.name]
        rows.append((arm.name, f"{s.fixed}/{s.cases}", str(s.first_attempt), _seconds(s.median_fix_s), str(s.tokens),
                     str(s.tried), str(s.fixed_by_search), str(s.fixed_by_infill), str(s.fixed_by_model), str(s.wrong_but_verified),
                     str(s.prechecked), str(s.repeats), str(s.format_rejected), _localized(s),
                     _settings(arm) or ("as configured" if arm is base else f"same as {base.name}")))
    _print_table(("arm", "fixed", "first try", "median fix s", "tokens", "tried", "by search", "by infill", "by model",
                  "wrong-but-verified", "pre-checked", "repeats", "format rej.", "top-1 chosen/ranked", "settings"),
                 rows, out)
    for arm in arms[1:]:
        gained, lost = _paired(results[base.name], results[arm.name])
        out.write(f"{arm.name} vs {base.name}: fixed {len(gained)} that {base.name} did not"
                  f"{' (' + ', '.join(gained) + ')' if gained else ''}, missed {len(lost)} that it fixed"
                  f"{' (' + ', '.join(lost) + ')' if lost else ''}\n")


def _localized(s: ArmSummary) -> str:
    """How often the solution's function came first: as the model chose, and in the suspicious lines' order."""
    return "-" if not s.sited else f"{s.site_top1}/{s.ranked_top1} of {s.sited}"


def _settings(arm: Arm) -> str:
    return ", ".join(f"{k}={v}" for k, v in arm.overrides.items())


def _paired(base, other) -> tuple[list[str], list[str]]:
    """Cases ``other`` fixed and ``base`` did not, and the reverse."""
    gained = [o.case for b, o in zip(base, other) if o.fixed and not b.fixed]
    lost = [o.case for b, o in zip(base, other) if b.fixed and not o.fixed]
    return gained, lost


def save(path: Path, result) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**result.to_json(), "patch": result.patch, "attempts_detail": result.transcript},
                               indent=2) + "\n", encoding="utf-8")


def report_one(args: argparse.Namespace, cfg: Config, results, summary: ArmSummary, out: TextIO) -> None:
    """One configuration: the table of cases and the closing lines."""
    s = summary.to_json()
    if args.json:
        out.write(json.dumps({"cases": summary.cases, "fixed": summary.fixed, "first_attempt": summary.first_attempt,
                              "baseline": bool(args.baseline), "search": cfg.search, **s,
                              "results": [r.to_json() for r in results]}, indent=2) + "\n")
        return
    _table(results, out)
    out.write(f"fixed {summary.fixed}/{summary.cases}"
              + (f" (by the search {summary.fixed_by_search}, by infill {summary.fixed_by_infill}, by the model "
                 f"{summary.fixed_by_model})"
                 if cfg.search and not args.baseline else " (model alone: no search)" if not args.baseline
                 else "") + "\n")
    if cfg.search and not args.baseline:
        out.write(f"search: {summary.search_tried} candidates tried; median time to its verified "
                  f"fix {_seconds(summary.search_median_s)}{'' if summary.search_median_s is None else ' s'}\n")
    if not args.baseline:
        out.write(f"first attempt alone (one call, no feedback) {summary.first_attempt}/{summary.cases}\n")
    out.write(f"model candidates: {summary.prechecked} rejected by the static pre-check (test runs saved), "
              f"{summary.repeats} repeats resampled, {summary.format_rejected} without a usable edit\n")
    if summary.sited:
        out.write(f"the solution's function first: {_localized(summary)} cases (chosen by the model / ranked)\n")
    if summary.hidden_checked:
        out.write(f"wrong-but-verified: {summary.wrong_but_verified} of the {summary.hidden_checked} fixed cases "
                  f"with a hidden check (their fix passes the case's command, not its hidden test)\n")


def report_arms(args: argparse.Namespace, arms: list[Arm], results: dict, summaries: dict[str, ArmSummary],
                 out: TextIO) -> None:
    """Several configurations: per case a row per arm, a summary per arm, and each arm against the base."""
    if args.json:
        doc = {}
        for arm in arms:
            entry = {"overrides": dict(arm.overrides), "search": arm.cfg.search, **summaries[arm.name].to_json()}
            if arm is not arms[0]:
                gained, lost = _paired(results[arms[0].name], results[arm.name])
                entry["vs_base"] = {"fixed_only_here": gained, "fixed_only_by_base": lost}
            doc[arm.name] = {**entry, "results": [r.to_json() for r in results[arm.name]]}
        cases = [r.case for r in results[arms[0].name]]
        order = {case: [arm.name for arm in arm_order(arms, i)] for i, case in enumerate(cases)}
        out.write(json.dumps({"cases": len(cases), "baseline": bool(args.baseline), "base": arms[0].name,
                              "order": order, "arms": doc}, indent=2) + "\n")
        return
    _arms_tables(arms, results, summaries, out)
    out.write("fix s: seconds from the case's start to its first verified fix; tried: candidates, search and "
              "model; hidden: the fix passed (ok) or failed (WRONG) the case's hidden test, and "
              "wrong-but-verified counts the WRONG ones; arms ran in alternating order per case\n")
