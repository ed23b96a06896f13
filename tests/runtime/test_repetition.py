"""The loop guard: a reply whose end keeps repeating is stopped; a reply that quotes code twice is not."""

from rdebug.runtime.repetition import CHECK_EVERY, LoopGuard


def _feed(text: str, piece: int = 4) -> int | None:
    """The token (piece) index at which the guard fires, or None."""
    guard = LoopGuard()
    for i in range(0, len(text), piece):
        if guard.feed(text[i:i + piece]):
            return i // piece
    return None


FUNCTION = '''def page(rows, number, size=10):
    pages = math.ceil(len(rows) / size)
    if not 1 <= number < pages:
        raise PageOutOfRange(f"page {number} of {pages}")
    start = (number - 1) * size
    return rows[start:start + size]
'''


def test_a_repeated_block_is_stopped_soon():
    block = "invoices.py\n```python\n  39 |         return to_money(self.total * self.tax_rate)\n```\n\n"
    fired = _feed("The cause is the recursion.\n\n" + block * 20)
    assert fired is not None
    # the window (160 characters, about two copies of this block) must have been seen three times
    assert fired * 4 < len("The cause is the recursion.\n\n") + 8 * len(block) + CHECK_EVERY * 4


def test_the_original_and_the_fixed_function_are_not_a_loop():
    fixed = FUNCTION.replace("number < pages", "number <= pages")
    reply = f"Root cause: the check.\n\nBefore:\n```python\n{FUNCTION}```\n\nAfter:\n```python\n{fixed}```\n"
    assert _feed(reply * 1) is None
    assert _feed("a b c d e f g h i j k l m n o p " * 3) is None  # too short to judge
