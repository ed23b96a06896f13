"""rdebug: reasoning-assisted debugging with local models (headless engine).

This package never imports Textual; the front end lives in ``rdebug_tui``.
"""

__version__ = "0.1.0"
