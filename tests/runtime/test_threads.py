"""How many threads the model gets by default."""

from rdebug.runtime import threads


def test_default_threads_follow_the_cpus_this_process_may_use(monkeypatch):
    for cores, expected in ((1, 1), (2, 2), (64, 16)):
        monkeypatch.setattr(threads.os, "sched_getaffinity", lambda _pid, n=cores: set(range(n)))
        assert threads.default_threads() == expected
