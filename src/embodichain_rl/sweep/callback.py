"""Hydra callback: write the sweep report when a multirun ends (``hydra.callbacks``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from embodichain_rl.sweep.report import write_report


class SweepReportCallback(Callback):
    """Writes ``sweep_summary.csv`` and ``sweep_summary.png`` into the sweep root."""

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        write_report(Path(config.hydra.sweep.dir))
