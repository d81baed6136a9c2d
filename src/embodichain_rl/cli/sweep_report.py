"""`embodichain-sweep-report DIR`: (re)write a sweep's CSV summary and plot."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from embodichain_rl.sweep.report import write_report


def main(argv: Sequence[str] | None = None) -> None:
    """Write ``sweep_summary.csv`` and ``sweep_summary.png`` into the sweep directory."""
    parser = argparse.ArgumentParser(
        prog="embodichain-sweep-report",
        description="Summarise a Hydra sweep directory (multirun/<exp>_<time>/).",
    )
    parser.add_argument("sweep_dir", type=Path, help="the sweep root (holds multirun.yaml)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if not args.sweep_dir.is_dir():
        parser.error(f"not a directory: {args.sweep_dir}")
    try:
        report = write_report(args.sweep_dir)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    print(f"{report.jobs} jobs, {report.not_ok} failed or unfinished")
    print(report.csv_path)
    print(report.plot_path)


if __name__ == "__main__":
    main()
