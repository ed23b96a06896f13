import pytest

from rdebug.patch.functions import replace_definitions
from rdebug.patch.locate import LocateError, locate, replace_once

TEXT = """class Cart:
    def total(self):
        result = 0
        for item in self.items:
            result += item.price
        return result

    def count(self):
        return len(self.items)
"""


def test_exact():
    m = locate(TEXT, "        return len(self.items)\n")
    assert (m.start, m.end, m.method) == (8, 9, "exact")


def test_whitespace_insensitive_reindents_replacement():
    search = "result = 0\nfor item in self.items:\n\n    result += item.price\n"
    replace = "result = 0\nfor item in self.items:\n    result += item.price * item.qty\n"
    out = replace_once(TEXT, search, replace)
    assert "            result += item.price * item.qty\n" in out
    assert "        for item in self.items:\n" in out
    assert locate(TEXT, search).method == "whitespace"


def test_fuzzy_unique_match():
    search = "    def total(self):\n        result = 0\n        for it in self.items:\n            result += item.price\n"
    m = locate(TEXT, search)
    assert m.method == "fuzzy" and m.start == 1 and m.score >= 0.8


def test_ambiguous_names_lines():
    text = "x = 1\ny = 2\nx = 1\nz = 3\nx = 1\n"
    with pytest.raises(LocateError) as err:
        locate(text, "x = 1\n", "SEARCH block 2 for src/a.py")
    assert str(err.value) == "SEARCH block 2 for src/a.py matches 3 places: lines 1, 3, 5; include more context"


def test_not_found_shows_closest_lines():
    with pytest.raises(LocateError) as err:
        locate(TEXT, "def something_else(a, b, c):\n    pass\n")
    assert "does not match" in str(err.value)


def test_replace_keeps_surrounding_text_and_final_newline():
    out = replace_once(TEXT, "    def count(self):\n        return len(self.items)\n",
                       "    def count(self):\n        return sum(1 for _ in self.items)\n")
    assert out.endswith("return sum(1 for _ in self.items)\n")
    assert out.startswith("class Cart:\n")


def test_replace_definitions_by_name_reindented():
    block = "def count(self):\n    return 42\n"
    out = replace_definitions("cart.py", TEXT, block)
    assert "    def count(self):\n        return 42\n" in out
    assert "def total(self):" in out


def test_replace_definitions_unknown_name():
    with pytest.raises(LocateError, match="no single definition named nope"):
        replace_definitions("cart.py", TEXT, "def nope():\n    pass\n")


def test_original_then_corrected_definition_in_one_block_uses_the_last():
    block = ("# Original\ndef count(self):\n    return len(self.items)\n\n"
             "# Corrected\ndef count(self):\n    return len(self.items) + 1\n")
    out = replace_definitions("cart.py", TEXT, block)
    assert "    def count(self):\n        return len(self.items) + 1\n" in out and out.count("def count") == 1
