from rdebug_tui.answer_text import NOTE, NOTE_IN_CODE, FenceEditBlocks, fence_edit_blocks

REPLY = "Root cause.\n\npaging.py\n<<<<<<< SEARCH\n    a = 1\n=======\n    a = 2\n>>>>>>> REPLACE\nDone.\n"


def test_edit_blocks_become_one_line_pointing_at_the_patch_panel():
    out = fence_edit_blocks(REPLY)
    assert "<<<<<<<" not in out and "=======" not in out and ">>>>>>>" not in out and "a = 2" not in out
    assert out == "Root cause.\n\npaging.py\n" + NOTE + "Done.\n"


def test_a_block_inside_a_code_fence_keeps_the_fence():
    text = "x\n```python\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n```\nafter\n"
    assert fence_edit_blocks(text) == "x\n```python\n" + NOTE_IN_CODE + "```\nafter\n"


def test_any_chunking_gives_the_same_text():
    whole = fence_edit_blocks(REPLY)
    for size in (1, 2, 3, 7, 50):
        t = FenceEditBlocks()
        out = "".join(t.feed(REPLY[i:i + size]) for i in range(0, len(REPLY), size)) + t.flush()
        assert out == whole, size


def test_ordinary_text_streams_without_waiting_for_the_line_end():
    t = FenceEditBlocks()
    assert t.feed("The bug") == "The bug"
    assert t.feed(" is here") == " is here"
