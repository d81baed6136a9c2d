"""The busy-machine warning: when other processes' load plus torch's threads exceed the
cores (OpenMP busy-waiting then collapses throughput), and how many threads to use."""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from multiprocessing.synchronize import Event
from pathlib import Path

import pytest

from embodichain_rl.trainer.machine_load import (
    cpu_times,
    other_processes_load,
    others_load,
    oversubscription_warning,
)


def test_quiet_machine_gives_no_warning() -> None:
    assert oversubscription_warning(load=0.2, cores=2, threads=2) is None
    assert oversubscription_warning(load=1.0, cores=2, threads=1) is None  # split cores


def test_busy_machine_names_the_load_and_the_remedies() -> None:
    line = oversubscription_warning(load=1.0, cores=2, threads=2)
    assert line is not None and "\n" not in line
    assert "1.0 of 2 cores" in line and "2 threads" in line
    assert "runtime.torch_threads=1" in line and "OMP_WAIT_POLICY=PASSIVE" in line
    many = oversubscription_warning(load=6.0, cores=16, threads=16)
    assert many is not None and "runtime.torch_threads=10" in many


_BEFORE = """cpu  300 0 100 1600 0 0 0 0 0 0
cpu0 100 0 50 850 0 0 0 0 0 0
cpu1 200 0 50 750 0 0 0 0 0 0
intr 12345
"""
_AFTER = """cpu  460 0 120 1820 0 0 0 0 0 0
cpu0 190 0 60 850 0 0 0 0 0 0
cpu1 270 0 60 970 0 0 0 0 0 0
intr 23456
"""


def test_load_is_the_busy_share_of_the_ticks_times_the_cpus_less_this_process() -> None:
    # Over the window cpu0 ran 100 ticks, all busy; cpu1 ran 300 ticks, 80 busy:
    # 180 busy of 400 ticks on 2 CPUs is 0.9 busy cores, of which this process used 0.25.
    before, after = cpu_times(_BEFORE), cpu_times(_AFTER)
    assert (after.busy - before.busy, after.total - before.total, after.cpus) == (180, 400, 2)
    assert others_load(before, after, own_cores=0.25) == pytest.approx(0.65)
    assert others_load(before, after, own_cores=2.0) == 0.0  # never negative
    assert others_load(before, before, own_cores=0.0) is None  # no tick elapsed


def test_only_the_cpus_this_process_may_use_count() -> None:
    before, after = cpu_times(_BEFORE, {0}), cpu_times(_AFTER, {0})
    assert after.cpus == 1
    assert others_load(before, after, own_cores=0.0) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="cpuN"):
        cpu_times(_BEFORE, {7})


def _spin(running: Event, seconds: float) -> None:
    running.set()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def _cpu_seconds_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (float(fields[11]) + float(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_spinning_process_counts_toward_the_load_by_the_cpu_it_got() -> None:
    """The spinner's own CPU seconds over the window are an independent lower bound: other
    processes can only add to the load, and on a crowded machine the spinner gets less."""
    context = multiprocessing.get_context("spawn")
    running = context.Event()
    spinner = context.Process(target=_spin, args=(running, 1.5))
    spinner.start()
    try:
        assert running.wait(60.0)
        spun0, wall0 = _cpu_seconds_of(spinner.pid), time.perf_counter()
        others = other_processes_load(0.5)
        spun1, wall1 = _cpu_seconds_of(spinner.pid), time.perf_counter()
    finally:
        spinner.join()
    spinner_cores = (spun1 - spun0) / (wall1 - wall0)
    assert others is not None
    assert spinner_cores - 0.15 <= others <= len(os.sched_getaffinity(0)) + 0.05
