"""The model as a candidate source: its repair loop (ask, verify, feed the failure back, ask again)."""
