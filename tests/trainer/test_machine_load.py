"""The busy-machine warning: when other processes' load plus torch's threads exceed the
cores (OpenMP busy-waiting then collapses throughput), and how many threads to use."""

from __future__ import annotations

import multiprocessing
import sys
import time

import pytest

from embodichain_rl.trainer.machine_load import other_processes_load, oversubscription_warning


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


def _spin(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/stat")
def test_a_spinning_process_counts_as_about_one_busy_core() -> None:
    context = multiprocessing.get_context("spawn")
    spinner = context.Process(target=_spin, args=(4.0,))
    spinner.start()
    try:
        time.sleep(1.5)  # the child is up and spinning
        others = other_processes_load(0.5)
    finally:
        spinner.join()
    assert others is not None and 0.6 <= others <= 2.2
