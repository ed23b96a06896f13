import unittest

from pieces import PIECES, rotated


class RotationTests(unittest.TestCase):
    def test_l_one_turn(self):
        self.assertEqual(rotated("L", 1), [[1, 1, 1], [1, 0, 0]])

    def test_t_one_turn(self):
        self.assertEqual(rotated("T", 1), [[0, 1], [1, 1], [0, 1]])

    def test_four_turns_is_the_piece(self):
        self.assertEqual(rotated("L", 4), PIECES["L"])


if __name__ == "__main__":
    unittest.main()
