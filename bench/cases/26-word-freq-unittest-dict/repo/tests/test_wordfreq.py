import unittest

from wordfreq import tokenize, word_frequencies


class WordFreqTests(unittest.TestCase):
    def test_tokenize_drops_stop_words(self):
        self.assertEqual(tokenize("The Art of War"), ["art", "war"])

    def test_frequencies(self):
        self.assertEqual(word_frequencies("Cats and dogs; cats!"), {"cats": 2, "dogs": 1})

    def test_empty(self):
        self.assertEqual(word_frequencies(""), {})


if __name__ == "__main__":
    unittest.main()
