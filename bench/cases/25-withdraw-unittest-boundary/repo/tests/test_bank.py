import unittest

from bank import Account, InsufficientFunds


class AccountTests(unittest.TestCase):
    def test_deposit_withdraw(self):
        account = Account("kim", 1000)
        account.deposit(500)
        account.withdraw(300)
        self.assertEqual(account.balance, 1200)

    def test_overdraft_refused(self):
        with self.assertRaises(InsufficientFunds):
            Account("kim", 100).withdraw(101)

    def test_withdraw_everything(self):
        account = Account("kim", 250)
        account.withdraw(250)
        self.assertEqual(account.balance, 0)


if __name__ == "__main__":
    unittest.main()
