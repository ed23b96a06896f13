import unittest

from stock import Stock


class StockTests(unittest.TestCase):
    def setUp(self):
        self.stock = Stock()
        self.stock.add("mug", 10)

    def test_reserve_lowers_available(self):
        self.stock.reserve("mug", 3)
        self.assertEqual(self.stock.available("mug"), 7)

    def test_ship_ends_the_reservation(self):
        self.stock.reserve("mug", 3)
        self.stock.ship("mug", 3)
        self.assertEqual(self.stock.on_hand["mug"], 7)
        self.assertEqual(self.stock.available("mug"), 7)

    def test_cannot_ship_more_than_reserved(self):
        self.stock.reserve("mug", 2)
        self.stock.ship("mug", 2)
        with self.assertRaises(ValueError):
            self.stock.ship("mug", 1)


if __name__ == "__main__":
    unittest.main()
