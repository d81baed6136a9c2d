"""A warning when other processes already keep this run's CPU cores busy.

With OpenMP's default busy-waiting, torch's worker threads spin while they wait for each
other; when another process holds one of the cores, every small kernel waits for a
descheduled thread. On the 2-core machine one competing process slowed a PushCube iteration
from about 4 s to 40-78 s. ``OMP_WAIT_POLICY=PASSIVE`` (set before Python starts) or fewer
torch threads avoid the collapse (docs/performance.md).
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path

from embodichain_rl.sweep.threads import available_cpus

PROC_STAT = Path("/proc/stat")
"""Linux's CPU time counters, one ``cpuN`` line per CPU."""

SAMPLE_SECONDS = 0.1
"""How long the busy-ness of the other processes is sampled at start-up."""

BUSY_MARGIN = 0.5
"""Load above the cores this run does not use, before the machine counts as busy."""


@dataclass(frozen=True)
class CpuTimes:
    """Busy and total clock ticks summed over a set of CPUs, and how many CPUs they are."""

    busy: float
    total: float
    cpus: int


def cpu_times(proc_stat: str, cpus: set[int] | None = None) -> CpuTimes:
    """The ``cpuN`` lines of ``proc_stat`` (``/proc/stat``'s text) for the CPUs in ``cpus``
    (all where None), summed; idle and iowait count as not busy."""
    busy = total = 0.0
    counted = 0
    for line in proc_stat.splitlines():
        name, *values = line.split()
        if not (name.startswith("cpu") and name[3:].isdigit()):
            continue
        if cpus is not None and int(name[3:]) not in cpus:
            continue
        ticks = [float(v) for v in values[:8]]  # user nice system idle iowait irq softirq steal
        idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0.0)
        busy += sum(ticks) - idle
        total += sum(ticks)
        counted += 1
    if counted == 0:
        raise ValueError("no cpuN line for this process's CPUs")
    return CpuTimes(busy=busy, total=total, cpus=counted)


def others_load(before: CpuTimes, after: CpuTimes, own_cores: float) -> float | None:
    """Cores kept busy by other processes between two samples: the busy share of the ticks
    times the CPUs, less ``own_cores`` (this process's CPU seconds per wall second);
    None when no tick elapsed."""
    elapsed = after.total - before.total
    if elapsed <= 0:
        return None
    busy_cores = (after.busy - before.busy) / elapsed * after.cpus
    return max(0.0, busy_cores - own_cores)


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _this_process_cpus() -> set[int] | None:
    return os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None


def other_processes_load(seconds: float = SAMPLE_SECONDS) -> float | None:
    """Cores of this process's CPU set kept busy by other processes over a ``seconds``
    window; None where ``/proc/stat`` is not readable (not Linux)."""
    cpus = _this_process_cpus()
    try:
        before = cpu_times(PROC_STAT.read_text(), cpus)
        own0, wall0 = _own_cpu_seconds(), time.perf_counter()
        time.sleep(seconds)
        after = cpu_times(PROC_STAT.read_text(), cpus)
        own1, wall1 = _own_cpu_seconds(), time.perf_counter()
    except (OSError, ValueError, IndexError):
        return None
    return others_load(before, after, (own1 - own0) / (wall1 - wall0))


def oversubscription_warning(*, load: float, cores: int, threads: int) -> str | None:
    """One line when ``load`` (cores other processes keep busy) plus this run's ``threads``
    torch threads exceeds ``cores`` by more than ``BUSY_MARGIN``; else None."""
    if load + threads <= cores + BUSY_MARGIN:
        return None
    spare = max(1, cores - round(load))
    return (
        f"the CPU is busy (other processes keep {load:.1f} of {cores} cores busy) and torch uses "
        f"{threads} threads: OpenMP's busy-waiting can then slow training 10-100x; use "
        f"runtime.torch_threads={spare}, or start with OMP_WAIT_POLICY=PASSIVE "
        "(docs/performance.md)"
    )


def machine_warning(threads: int) -> str | None:
    """:func:`oversubscription_warning` for this machine now (None where it cannot tell)."""
    load = other_processes_load()
    if load is None:
        return None
    return oversubscription_warning(load=load, cores=available_cpus(), threads=threads)
