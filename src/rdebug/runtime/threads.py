"""How many threads the model gets: all cores by default, fewer while other processes use some.

llama.cpp's OpenMP threads spin at each of the hundreds of barriers per token. When another process
takes part of a core (the user's build, rdebug's own test runs, another model), the thread that
shares that core is descheduled while its partner spins, and decoding collapses: SmolLM2 on 2 cores
fell from 79 to 7 tok/s beside another llama.cpp process. ``CpuShare`` measures how much CPU the
other processes take (``/proc/stat`` minus this process) and ``threads_for`` gives them their cores.
Passive waiting (``OMP_WAIT_POLICY=PASSIVE``) does not collapse, but costs most of the idle speed of
a small model (79 -> 25 tok/s), so the spinning default stays (bench/bench_runtime.py --contended).
"""

from __future__ import annotations

import os
import time
from typing import Callable

SAMPLE_S = 0.5  # the measuring window
STALE_S = 2 * SAMPLE_S  # a longer window (between requests) is discarded: only decoding time counts
MARGIN = 0.6  # others must use more than 1 - MARGIN of a core before it is given up to them


def default_threads() -> int:
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        n = os.cpu_count() or 1
    return max(1, min(n, 16))


def threads_for(max_threads: int, other_cores: float) -> int:
    """Threads to use when other processes keep ``other_cores`` cores busy (at least one thread)."""
    return max(1, min(max_threads, max_threads - int(other_cores + MARGIN)))


def _read_stat() -> tuple[int, int, int] | None:
    """(busy ticks of all CPUs, all ticks, CPUs counted) from /proc/stat."""
    try:
        with open("/proc/stat") as fh:
            total_line = fh.readline().split()
            ncpu = sum(1 for line in fh if line.startswith("cpu"))
    except OSError:
        return None
    if not total_line or total_line[0] != "cpu" or len(total_line) < 8:
        return None
    v = [int(x) for x in total_line[1:9]]  # user nice system idle iowait irq softirq steal
    idle = v[3] + v[4]
    return sum(v) - idle, sum(v), ncpu


def _self_ticks() -> int | None:
    try:
        with open("/proc/self/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[11]) + int(fields[12])  # utime + stime, all threads


class CpuShare:
    """Samples, at most every ``SAMPLE_S``, how many cores other processes use; ``update`` says when the
    model should change its thread count. Inactive where /proc does not describe the cores we run on
    (a container with a CPU quota, not Linux): then the count never changes."""

    def __init__(self, max_threads: int, clock: Callable[[], float] = time.monotonic,
                 read_stat: Callable[[], tuple[int, int, int] | None] = _read_stat,
                 self_ticks: Callable[[], int | None] = _self_ticks) -> None:
        self.max_threads = max_threads
        self.threads = max_threads
        self.other_cores = 0.0
        self._clock, self._read_stat, self._self_ticks = clock, read_stat, self_ticks
        first = read_stat()
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:  # pragma: no cover
            cores = 0
        self.active = max_threads > 1 and first is not None and first[2] == cores and self_ticks() is not None
        self._last = (clock(), first, self_ticks()) if self.active else None
        self._calm = 0  # consecutive windows that would allow more threads

    def update(self) -> int | None:
        """The new thread count when it should change now, else None."""
        if not self.active or self._last is None:
            return None
        now = self._clock()
        if now - self._last[0] < SAMPLE_S:
            return None
        stat, mine = self._read_stat(), self._self_ticks()
        started, before, mine_before = self._last
        self._last = (now, stat, mine)
        if now - started > STALE_S:  # a window spanning idle time between requests says nothing of now
            return None
        if stat is None or before is None or mine is None or mine_before is None:
            return None
        all_ticks = stat[1] - before[1]
        if all_ticks <= 0:
            return None
        others = max(0, (stat[0] - before[0]) - (mine - mine_before))
        self.other_cores = others / all_ticks * stat[2]
        want = threads_for(self.max_threads, self.other_cores)
        if want < self.threads:  # give cores up at once, take them back after two calm windows
            self._calm = 0
        elif want > self.threads:
            self._calm += 1
            if self._calm < 2:
                return None
            self._calm = 0
        else:
            self._calm = 0
            return None
        self.threads = want
        return want
