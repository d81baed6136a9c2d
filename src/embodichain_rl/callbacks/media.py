"""Eval-episode videos during training and ``curves.png`` at the end."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from embodichain_rl.callbacks.base import Callback

if TYPE_CHECKING:
    from embodichain_rl.trainer.trainer import Trainer

log = logging.getLogger(__name__)


class VideoCallback(Callback):
    """Records ``episodes`` deterministic eval episodes as a GIF every ``freq`` iterations
    (``videos/iter_NNNNNN.gif``) and logs it."""

    def __init__(self, *, freq: int, episodes: int = 1) -> None:
        self.freq = freq
        """Record every this many iterations (0: never)."""
        self.episodes = episodes
        """Eval episodes played one after another in each video."""

    def on_iteration_end(self, trainer: Trainer, metrics: dict[str, float]) -> None:
        if trainer.is_main and self.freq and trainer.iteration % self.freq == 0:
            path = trainer.run_dir / "videos" / f"iter_{trainer.iteration:06d}.gif"
            trainer.record_video(path, episodes=self.episodes)


class CurvesCallback(Callback):
    """Plots ``curves.png`` from the run's own TensorBoard events when training ends; a
    plotting failure is logged, never raised."""

    def on_train_end(self, trainer: Trainer) -> None:
        if not trainer.is_main:
            return
        from embodichain_rl.trainer.curves import plot_runs  # trainer imports callbacks

        trainer.flush_logs()
        try:
            plot_runs([trainer.run_dir], trainer.run_dir / "curves.png")
        except Exception as error:
            log.warning("could not write %s: %s", trainer.run_dir / "curves.png", error)
