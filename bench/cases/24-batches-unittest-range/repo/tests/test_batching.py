import unittest

from batching import batch_count, batches


class BatchTests(unittest.TestCase):
    def test_uneven(self):
        self.assertEqual(batches([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]])

    def test_exact(self):
        self.assertEqual(batches(list("abcd"), 2), [["a", "b"], ["c", "d"]])

    def test_count(self):
        self.assertEqual(batch_count(5, 2), 3)

    def test_bad_size(self):
        with self.assertRaises(ValueError):
            batches([1], 0)


if __name__ == "__main__":
    unittest.main()
