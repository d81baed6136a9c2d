"""The sweep report: ``sweep_summary.csv`` and ``sweep_summary.png`` in the sweep root."""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from pathlib import Path

from embodichain_rl.sweep.plot import plot_objectives
from embodichain_rl.sweep.records import JobRecord, collect_jobs, swept_keys
from embodichain_rl.sweep.status import OK

log = logging.getLogger(__name__)

CSV_NAME = "sweep_summary.csv"
PLOT_NAME = "sweep_summary.png"
COLUMNS = (
    "job",
    "status",
    "objective",
    "eval_success_rate",
    "eval_return_mean",
    "wall_time_s",
    "overrides",
    "error",
)
"""Fixed CSV columns; one column per swept key follows them."""


@dataclass(frozen=True)
class SweepReport:
    """What :func:`write_report` wrote."""

    csv_path: Path
    plot_path: Path
    jobs: int
    not_ok: int
    """Jobs that failed or did not finish."""


def _cell(value: float | str | None) -> str:
    return "" if value is None else str(value)


def write_csv(records: list[JobRecord], path: Path) -> None:
    """One row per job: the fixed columns, then the value of each swept key."""
    keys = swept_keys(records)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*COLUMNS, *keys])
        for record in records:
            params = record.params
            writer.writerow(
                [
                    record.job,
                    record.status,
                    _cell(record.objective),
                    _cell(record.eval_success_rate),
                    _cell(record.eval_return_mean),
                    _cell(record.wall_time_s),
                    " ".join(record.overrides),
                    record.error,
                    *(params.get(key, "") for key in keys),
                ]
            )


def write_report(sweep_dir: Path) -> SweepReport:
    """Collect every job under ``sweep_dir`` and write the CSV and the plot there.

    Raises ``FileNotFoundError`` when ``sweep_dir`` holds no Hydra job.
    """
    records = collect_jobs(sweep_dir)
    if not records:
        raise FileNotFoundError(f"no Hydra job directories (.hydra/) under {sweep_dir}")
    csv_path = sweep_dir / CSV_NAME
    plot_path = sweep_dir / PLOT_NAME
    write_csv(records, csv_path)
    plot_objectives(records, plot_path, title=sweep_dir.name)
    not_ok = sum(record.status != OK for record in records)
    log.info("sweep report: %d jobs (%d not ok) -> %s", len(records), not_ok, csv_path)
    return SweepReport(csv_path=csv_path, plot_path=plot_path, jobs=len(records), not_ok=not_ok)
