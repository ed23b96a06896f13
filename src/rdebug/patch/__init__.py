"""Verified patches: edits from a model reply (``edits``), located in files (``locate``), composed into a
``diff.Patch`` (``compose``), checked for safety (``safety``), verified on a scratch copy (``verify``),
applied with a backup and undone (``apply``), all driven by the repair loop (``loop``)."""
