"""`rdebug undo [ID]`: restore the files from before an applied patch; `--list` shows the backups."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TextIO

from rdebug.config import Config
from rdebug.errors import ExitCode


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", nargs="?", help="backup id (or a unique prefix); default: the last applied patch")
    parser.add_argument("--list", action="store_true", help="list this repository's patch backups")
    parser.add_argument("--force", action="store_true", help="restore even if the files changed since the apply")


def run(args: argparse.Namespace, cfg: Config, out: TextIO | None = None) -> int:
    from rdebug.patch.apply import undo
    from rdebug.patch.backups import scan_backups

    out = out or sys.stdout
    if args.list:
        records, broken = scan_backups(args.root)
        if args.json:
            out.write(json.dumps([{k: v for k, v in r.to_json().items() if k != "diff"} | {"files": r.files}
                                  for r in records]
                                 + [{"id": b.id, "state": "unreadable", "error": b.reason} for b in broken],
                                 indent=2) + "\n")
        elif not records and not broken:
            out.write("no patches applied in this repository\n")
        else:
            for r in records:
                when = time.strftime("%Y-%m-%d %H:%M", time.localtime(r.created))
                out.write(f"{r.id}  {when}  {r.state:<11} {', '.join(r.files)}\n")
            for b in broken:
                out.write(f"{b.id}  {'?':<16}  unreadable  {b.reason}\n")
        return ExitCode.OK
    record = undo(args.root, args.id, force=args.force)
    if args.json:
        out.write(json.dumps({"undone": record.id, "files": record.files}) + "\n")
    else:
        out.write(f"undid {record.id}: restored {', '.join(record.files)}\n")
    return ExitCode.OK
