from text import reading_minutes, top_words, word_count


def test_empty():
    assert word_count("") == 0


def test_irregular_whitespace():
    assert word_count("  hello   world\nagain ") == 3


def test_top_words():
    assert top_words("the cat and the hat. The end", 1) == ["the"]


def test_reading_minutes():
    assert reading_minutes("word " * 400) == 2
