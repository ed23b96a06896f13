import unittest

from rle import decode, encode


class RunLengthTests(unittest.TestCase):
    def test_encode(self):
        self.assertEqual(encode("aaab"), "3a1b")

    def test_short_runs_round_trip(self):
        self.assertEqual(decode(encode("aabccc")), "aabccc")

    def test_long_runs_round_trip(self):
        text = "x" * 12 + "y" + "z" * 105
        self.assertEqual(decode(encode(text)), text)


if __name__ == "__main__":
    unittest.main()
