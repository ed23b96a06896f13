"""Thread counts under contention: others' CPU share from /proc samples, hysteresis, inactive without /proc."""

from __future__ import annotations

import os

from rdebug.runtime.threads import SAMPLE_S, CpuShare, default_threads, threads_for


def test_threads_for_gives_busy_cores_to_others():
    assert threads_for(2, 0.0) == 2
    assert threads_for(2, 0.3) == 2  # an editor, the UI: keep every core
    assert threads_for(2, 0.5) == 1
    assert threads_for(2, 1.0) == 1
    assert threads_for(2, 3.0) == 1  # never below one
    assert threads_for(16, 1.0) == 15
    assert threads_for(16, 4.2) == 12


class FakeProc:
    """/proc/stat and /proc/self/stat in ticks: ``run(others, mine)`` advances one window."""

    def __init__(self, ncpu: int) -> None:
        self.ncpu, self.t, self.busy, self.total, self.mine = ncpu, 0.0, 0, 0, 0

    def run(self, others: float, mine: float, seconds: float = SAMPLE_S) -> None:
        ticks = int(100 * seconds)
        self.t += seconds
        self.busy += int(ticks * (others + mine))
        self.total += ticks * self.ncpu
        self.mine += int(ticks * mine)

    def share(self, max_threads: int) -> CpuShare:
        return CpuShare(max_threads, clock=lambda: self.t, read_stat=lambda: (self.busy, self.total, self.ncpu),
                        self_ticks=lambda: self.mine)


def cores() -> int:
    return len(os.sched_getaffinity(0))


def test_a_busy_core_beside_the_model_takes_a_thread_away_at_once_and_gives_it_back_after_calm():
    proc = FakeProc(cores())
    share = proc.share(cores())
    if cores() < 2:
        assert not share.active
        return
    assert share.active and share.threads == cores()
    proc.run(others=0.05, mine=cores() - 0.05)
    assert share.update() is None  # idle: nothing changes
    proc.run(others=1.0, mine=cores() - 1.0)
    assert share.update() == cores() - 1 and round(share.other_cores, 1) == 1.0
    proc.run(others=1.0, mine=cores() - 1.0)
    assert share.update() is None
    proc.run(others=0.0, mine=cores() - 1.0)
    assert share.update() is None  # one calm window is not enough
    proc.run(others=0.0, mine=cores() - 1.0)
    assert share.update() == cores()


def test_samples_closer_than_the_window_change_nothing():
    proc = FakeProc(cores())
    share = proc.share(max(2, cores()))
    proc.run(others=5.0, mine=0.0, seconds=SAMPLE_S / 4)
    assert share.update() is None


def test_inactive_when_proc_does_not_describe_our_cores():
    proc = FakeProc(cores() + 8)  # a container seeing the host's CPUs
    assert not proc.share(max(2, cores())).active
    assert not CpuShare(4, read_stat=lambda: None).active
    assert not CpuShare(1).active  # one thread: nothing to give


def test_default_threads_is_the_usable_cores():
    assert 1 <= default_threads() <= 16


def test_a_window_spanning_time_between_requests_is_discarded():
    """rdebug's own test run between two replies must not cost the next reply its threads."""
    proc = FakeProc(cores())
    share = proc.share(max(2, cores()))
    if not share.active:
        return
    proc.run(others=2.0, mine=0.0, seconds=5.0)  # a verification run while no reply is decoding
    assert share.update() is None and share.threads == share.max_threads
    proc.run(others=0.0, mine=share.max_threads)
    assert share.update() is None
