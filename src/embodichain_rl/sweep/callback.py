"""Hydra callback: when a multirun ends, write the sweep report and make the command's
exit status say whether every job succeeded (``hydra.callbacks`` in ``train.yaml``)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from embodichain_rl.sweep.records import JobRecord, collect_jobs
from embodichain_rl.sweep.report import write_report
from embodichain_rl.sweep.status import FAILED, OK

log = logging.getLogger(__name__)


def failure_line(records: list[JobRecord], sweep_dir: Path) -> str | None:
    """``"2 of 4 jobs failed; records in <sweep dir>"`` (jobs that did not finish counted
    apart), or ``None`` when every job ended ok."""
    failed = sum(record.status == FAILED for record in records)
    unfinished = sum(record.status not in (OK, FAILED) for record in records)
    if not failed and not unfinished:
        return None
    total = len(records)
    if not unfinished:
        counted = f"{failed} of {total} jobs failed"
    elif not failed:
        counted = f"{unfinished} of {total} jobs did not finish"
    else:
        counted = f"{failed + unfinished} of {total} jobs failed ({unfinished} did not finish)"
    return f"{counted}; records in {sweep_dir}"


class SweepReportCallback(Callback):
    """Writes ``sweep_summary.csv`` and ``sweep_summary.png`` into the sweep root, then,
    when a job failed or did not finish, ends the command with exit status 1 and the count
    as the last line on stderr (every job's ``status.json`` / ``error.txt`` stays in place).

    The exit is a ``SystemExit``: Hydra's callback runner only catches ``Exception``, so it
    reaches the interpreter, which prints its message and exits with status 1."""

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        sweep_dir = Path(config.hydra.sweep.dir).absolute()
        try:
            write_report(sweep_dir)
        except Exception as error:  # the exit status below must not depend on the plot
            log.warning("could not write the sweep report in %s: %s", sweep_dir, error)
        line = failure_line(collect_jobs(sweep_dir), sweep_dir)
        if line is not None:
            raise SystemExit(line)
