"""A tiny expense ledger stored as CSV lines: ISO date (YYYY-MM-DD), label, amount."""
