"""Debugger facts for the model: what the failing test called and returned (callrecord), which lines only
it ran (spectrum)."""
