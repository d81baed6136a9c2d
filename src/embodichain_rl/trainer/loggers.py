"""Metric sinks: TensorBoard event files and Weights & Biases runs."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from PIL import Image
from tensorboard.compat.proto.summary_pb2 import Summary
from torch.utils.tensorboard import SummaryWriter

log = logging.getLogger(__name__)


class MetricLogger(Protocol):
    """Anything that takes scalar metrics at an x-value (env steps)."""

    def log_scalars(self, scalars: Mapping[str, float], step: int) -> None: ...

    def log_video(self, tag: str, gif: Path, step: int) -> None: ...

    def close(self) -> None: ...


class TensorBoardLogger:
    """Writes scalars as TensorBoard events under ``log_dir``."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self._writer = SummaryWriter(log_dir=str(log_dir))

    def log_scalars(self, scalars: Mapping[str, float], step: int) -> None:
        for tag, value in scalars.items():
            self._writer.add_scalar(tag, value, global_step=step)

    def log_video(self, tag: str, gif: Path, step: int) -> None:
        """Log an animated GIF as an image summary (TensorBoard's Images tab plays it);
        this is what ``add_video`` writes, without needing moviepy to encode it."""
        with Image.open(gif) as image:
            width, height = image.size
        summary = Summary(
            value=[
                Summary.Value(
                    tag=tag,
                    image=Summary.Image(
                        height=height,
                        width=width,
                        colorspace=3,
                        encoded_image_string=gif.read_bytes(),
                    ),
                )
            ]
        )
        self._writer._get_file_writer().add_summary(summary, global_step=step)

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
        resume_id: str | None = None,
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
            **({"id": resume_id, "resume": "allow"} if resume_id else {}),
        )
        self._run.define_metric("global_step")
        self._run.define_metric("*", step_metric="global_step")

    @property
    def run_dir(self) -> Path:
        """Folder where wandb keeps this run's files."""
        return Path(self._run.dir)

    @property
    def run_id(self) -> str:
        """The wandb run id (saved in checkpoints so a resumed run continues it)."""
        return str(self._run.id)

    def log_scalars(self, scalars: Mapping[str, float], step: int) -> None:
        self._run.log({**scalars, "global_step": step})

    def log_video(self, tag: str, gif: Path, step: int) -> None:
        self._run.log({tag: self._wandb.Video(str(gif), format="gif"), "global_step": step})

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

    def log_video(self, tag: str, gif: Path, step: int) -> None:
        for sink in self.loggers:
            sink.log_video(tag, gif, step)

    @property
    def wandb_run_id(self) -> str | None:
        """Id of the wandb run among the sinks, if any."""
        for sink in self.loggers:
            if isinstance(sink, WandbLogger):
                return sink.run_id
        return None

    def close(self) -> None:
        for sink in self.loggers:
            sink.close()
