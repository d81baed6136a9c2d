"""Stop training once a metric reaches a threshold (for example eval success >= 0.9)."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from embodichain_rl.callbacks.base import Callback

if TYPE_CHECKING:
    from embodichain_rl.trainer.trainer import Trainer

log = logging.getLogger(__name__)


class EarlyStopping(Callback):
    """Asks the trainer to stop at the first iteration whose ``metric`` is at or beyond
    ``threshold`` (``mode="max"``: >=, ``"min"``: <=); iterations without the metric (no
    evaluation) are skipped. Records when it happened (``hit_*``) for benchmarks.

    Through config: ``+callbacks.stop._target_=embodichain_rl.callbacks.EarlyStopping
    +callbacks.stop.threshold=0.9`` (the metric defaults to ``eval/success_rate``).
    """

    state_key = "early_stopping"

    def __init__(
        self, *, threshold: float, metric: str = "eval/success_rate", mode: str = "max"
    ) -> None:
        if mode not in ("max", "min"):
            raise ValueError(f"EarlyStopping mode must be 'max' or 'min', got {mode!r}")
        self.threshold = float(threshold)
        """Value of ``metric`` that ends training."""
        self.metric = metric
        """Scalar tag to watch (a key of the iteration's metrics)."""
        self.mode = mode
        """``max``: stop at >= threshold; ``min``: stop at <= threshold."""
        self.hit_seconds: float | None = None
        """Seconds from the start of ``learn`` to the iteration that reached the threshold."""
        self.hit_step: int | None = None
        """Env steps at that iteration."""
        self.best: float | None = None
        """Best value of the metric seen."""
        self._start = time.perf_counter()

    def on_train_start(self, trainer: Trainer) -> None:
        self._start = time.perf_counter()

    def on_iteration_end(self, trainer: Trainer, metrics: dict[str, float]) -> None:
        value = metrics.get(self.metric)
        if value is None:
            return
        better = max if self.mode == "max" else min
        self.best = value if self.best is None else better(self.best, value)
        reached = value >= self.threshold if self.mode == "max" else value <= self.threshold
        if reached and self.hit_step is None:
            self.hit_seconds = time.perf_counter() - self._start
            self.hit_step = trainer.global_step
            trainer.request_stop(f"{self.metric}={value:.4g} reached {self.threshold:g}")

    def state_dict(self) -> dict[str, Any]:
        return {"best": self.best}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.best = state.get("best")
