"""The `rdebug` console script: the engine's command line with this Textual front end plugged in."""

from __future__ import annotations


def main() -> int:
    from rdebug.cli import main as cli_main
    from rdebug_tui import run_tui

    return cli_main(front_end=run_tui)
