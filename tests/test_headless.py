"""The engine (src/rdebug) must never import Textual or the front end."""

import subprocess
import sys
import textwrap
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "rdebug"


def test_engine_modules_do_not_import_textual():
    modules = sorted(
        ".".join(p.relative_to(SRC.parent).with_suffix("").parts).removesuffix(".__init__")
        for p in SRC.rglob("*.py")
        if p.name != "__main__.py" and "data" not in p.relative_to(SRC).parts
    )
    assert len(modules) > 10
    code = textwrap.dedent(
        f"""
        import importlib, sys
        for name in {modules!r}:
            importlib.import_module(name)
        bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rdebug_tui'))
        print(bad)
        raise SystemExit(1 if bad else 0)
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
