"""Metric sinks: TensorBoard event files and Weights & Biases runs."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from torch.utils.tensorboard import SummaryWriter

log = logging.getLogger(__name__)


class MetricLogger(Protocol):
    """Anything that takes scalar metrics at an x-value (env steps)."""

    def log_scalars(self, scalars: Mapping[str, float], step: int) -> None: ...

    def close(self) -> None: ...


class TensorBoardLogger:
    """Writes scalars as TensorBoard events under ``log_dir``."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self._writer = SummaryWriter(log_dir=str(log_dir))

    def log_scalars(self, scalars: Mapping[str, float], step: int) -> None:
        for tag, value in scalars.items():
            self._writer.add_scalar(tag, value, global_step=step)

    def close(self) -> None:
        self._writer.flush()
        self._writer.close()


class WandbLogger:
    """Logs scalars to a Weights & Biases run (``mode="offline"`` needs no account)."""

    def __init__(
        self,
        *,
        project: str,
        run_name: str,
        run_dir: Path,
        config: dict[str, Any],
        mode: str = "online",
    ) -> None:
        import wandb

        self._wandb = wandb
        self._run = wandb.init(
            project=project,
            name=run_name,
            dir=str(run_dir),
            config=config,
            mode=mode,
            reinit="finish_previous",
        )
        self._run.define_metric("global_step")
        self._run.define_metric("*", step_metric="global_step")

    @property
    def run_dir(self) -> Path:
        """Folder where wandb keeps this run's files."""
        return Path(self._run.dir)

    def log_scalars(self, scalars: Mapping[str, float], step: int) -> None:
        self._run.log({**scalars, "global_step": step})

    def close(self) -> None:
        self._run.finish()


class LoggerGroup:
    """Fans one call out to every configured sink."""

    def __init__(self, loggers: list[MetricLogger]) -> None:
        self.loggers = loggers

    def log_scalars(self, scalars: Mapping[str, float], step: int) -> None:
        if scalars:
            for sink in self.loggers:
                sink.log_scalars(scalars, step)

    def close(self) -> None:
        for sink in self.loggers:
            sink.close()
