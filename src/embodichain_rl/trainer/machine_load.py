"""A warning when other processes already keep the CPU cores busy.

With OpenMP's default busy-waiting, torch's worker threads spin while they wait for each
other; when another process holds one of the cores, every small kernel waits for a
descheduled thread. On the 2-core machine one competing process slowed a PushCube iteration
from about 4 s to 40-78 s. ``OMP_WAIT_POLICY=PASSIVE`` (set before Python starts) or fewer
torch threads avoid the collapse (docs/performance.md).
"""

from __future__ import annotations

import resource
import time
from pathlib import Path

from embodichain_rl.sweep.threads import available_cpus

PROC_STAT = Path("/proc/stat")
"""Linux's system-wide CPU time counters."""

SAMPLE_SECONDS = 0.1
"""How long the busy-ness of the other processes is sampled at start-up."""

BUSY_MARGIN = 0.5
"""Load above the cores this run does not use, before the machine counts as busy."""


def _cpu_counters() -> tuple[float, float, int]:
    """Busy and total jiffies of all CPUs, and the number of CPUs (``/proc/stat``)."""
    lines = PROC_STAT.read_text().splitlines()
    fields = [float(v) for v in lines[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)  # idle + iowait
    cpus = sum(1 for line in lines if line.startswith("cpu") and line[3:4].isdigit())
    return sum(fields[:8]) - idle, sum(fields[:8]), max(cpus, 1)


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def other_processes_load(seconds: float = SAMPLE_SECONDS) -> float | None:
    """Cores kept busy by other processes over a ``seconds`` window (this process's own CPU
    time taken out); None where ``/proc/stat`` is not readable (not Linux)."""
    try:
        busy0, total0, cpus = _cpu_counters()
        own0, wall0 = _own_cpu_seconds(), time.perf_counter()
        time.sleep(seconds)
        busy1, total1, _ = _cpu_counters()
        own1, wall1 = _own_cpu_seconds(), time.perf_counter()
    except (OSError, ValueError, IndexError):
        return None
    if total1 <= total0:
        return None
    busy_cores = (busy1 - busy0) / (total1 - total0) * cpus
    return max(0.0, busy_cores - (own1 - own0) / (wall1 - wall0))


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
