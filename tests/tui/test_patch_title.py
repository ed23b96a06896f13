"""The patch panel's title keeps its key hints at any width (a long search label cut them off at 100 columns)."""

from __future__ import annotations

from rdebug_tui.widgets.patch import patch_title

LABEL = "found by search near the model's attempt 2: `<` → `<=` in paging.py:14"


def test_wide_enough_shows_everything():
    assert patch_title("Attempt 1", 0, 1, "unified", 120) == "Patch · Attempt 1 (1/1) · unified · d"


def test_narrow_keeps_the_keys_and_cuts_the_label_last():
    for width in (40, 60, 70, 100):
        title = patch_title(LABEL, 1, 3, "unified (too narrow)", width)
        assert title.endswith(" · n/p · d") and "(2/3)" in title and len(title) <= width - 4, (width, title)
    assert patch_title(LABEL, 1, 3, "unified (too narrow)", 115) == f"{LABEL} (2/3) · unified (too narrow) · n/p · d"
    assert patch_title(LABEL, 1, 3, "unified (too narrow)", 100) == f"{LABEL} (2/3) · unified · n/p · d"
    assert patch_title(LABEL, 1, 3, "unified (too narrow)", 90) == f"{LABEL} (2/3) · n/p · d"
    assert patch_title(LABEL, 1, 3, "unified", 40).endswith("… (2/3) · n/p · d")
    assert patch_title(LABEL, 0, 2, "unified", 140) == f"Patch · {LABEL} (1/2) · unified · n/p · d"
