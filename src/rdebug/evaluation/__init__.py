"""Scoring rdebug on bug cases: the eval harness and the checks it runs after a fix (see ``hidden``)."""
