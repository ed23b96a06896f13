"""How many threads the model gets beside the TUI."""

from rdebug.runtime import threads


def test_one_core_is_left_to_the_ui_on_small_machines(monkeypatch):
    for cores, expected in ((1, 1), (2, 1), (4, 3), (8, 8)):
        monkeypatch.setattr(threads.os, "sched_getaffinity", lambda _pid, n=cores: set(range(n)))
        assert threads.default_threads() == cores
        assert threads.threads_beside_ui() == expected
