from rdebug_tui.answer_text import FenceEditBlocks, fence_edit_blocks

REPLY = "Root cause.\n\npaging.py\n<<<<<<< SEARCH\n    a = 1\n=======\n    a = 2\n>>>>>>> REPLACE\nDone.\n"


def test_unfenced_block_is_fenced():
    out = fence_edit_blocks(REPLY)
    assert "```\n<<<<<<< SEARCH" in out and ">>>>>>> REPLACE\n```\n" in out
    assert out.replace("```\n", "") == REPLY


def test_fenced_block_is_left_alone():
    text = "x\n```python\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n```\n"
    assert fence_edit_blocks(text) == text


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
