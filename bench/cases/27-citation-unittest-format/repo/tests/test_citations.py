import unittest

from citations import Work, bibliography, cite

ADA = Work("Ada", "Lovelace", 1843, "Notes on the Analytical Engine")
ALAN = Work("Alan", "Turing", 1936, "On Computable Numbers")


class CitationTests(unittest.TestCase):
    def test_cite(self):
        self.assertEqual(cite(ADA), "Lovelace, A. (1843). Notes on the Analytical Engine.")

    def test_order(self):
        lines = bibliography([ALAN, ADA]).splitlines()
        self.assertTrue(lines[0].startswith("Lovelace"))


if __name__ == "__main__":
    unittest.main()
