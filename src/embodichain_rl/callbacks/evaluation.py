"""Periodic and final evaluation, and ``best.pt`` ranked by a configurable eval metric."""

from __future__ import annotations

import logging
import math
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from embodichain_rl.callbacks.base import Callback

if TYPE_CHECKING:
    from embodichain_rl.trainer.evaluator import EvalResult
    from embodichain_rl.trainer.trainer import Trainer

log = logging.getLogger(__name__)


def resolve_metric(metric: str, result: EvalResult) -> str:
    """The metric ``auto`` stands for: success rate where the env reports success, else the
    episode return."""
    if metric != "auto":
        return metric
    return "success_rate" if result.success_rate is not None else "episode_return"


def metric_value(metric: str, result: EvalResult) -> float:
    """The value of ``metric`` (a name of :data:`BEST_METRICS`) in ``result``."""
    values = {
        "success_rate": result.success_rate,
        "episode_return": result.return_mean,
        "episode_length": result.length_mean,
    }
    value = values[metric]
    if value is None:
        raise ValueError(
            f"eval.best_metric={metric}: this env reports no success; use episode_return, "
            "episode_length or auto"
        )
    return float(value)


class EvalCallback(Callback):
    """Evaluates every ``freq`` iterations (and at the end, unless the last iteration was
    just evaluated), logs ``eval/*``, adds them to the iteration's metrics and keeps
    ``best.pt`` for the best value of ``best_metric`` seen so far."""

    state_key = "evaluation"

    def __init__(self, *, freq: int, best_metric: str = "auto", best_mode: str = "max") -> None:
        self.freq = freq
        """Evaluate every this many iterations (0: only at the end)."""
        self.best_metric = best_metric
        """Metric ranking checkpoints (``auto``: success if reported, else return)."""
        self.best_mode = best_mode
        """``max`` or ``min``."""
        self.best_value = math.nan
        """Best value of the metric so far (NaN before the first evaluation)."""
        self.best_checkpoint: Path | None = None
        """``best.pt`` once written."""
        self.last_eval: EvalResult | None = None
        """The latest evaluation."""
        self._last_eval_iteration = -1

    def _better(self, value: float) -> bool:
        if math.isnan(self.best_value):
            return True
        return value > self.best_value if self.best_mode == "max" else value < self.best_value

    def _evaluate(self, trainer: Trainer) -> dict[str, float]:
        result = trainer.evaluate()
        self.last_eval = result
        self._last_eval_iteration = trainer.iteration
        scalars = result.as_scalars()
        trainer.log_scalars(scalars)
        log.info("eval @ %d steps: %s", trainer.global_step, result.describe())
        metric = resolve_metric(self.best_metric, result)
        value = metric_value(metric, result)
        if self._better(value):
            self.best_value = value
            self.best_checkpoint = trainer.save_checkpoint("best.pt", eval_result=result)
        return scalars

    def on_train_start(self, trainer: Trainer) -> None:
        """A resumed run keeps its best-so-far: the earlier run's ``best.pt`` is copied in."""
        best = self.best_checkpoint
        target = trainer.checkpoint_dir / "best.pt"
        if not trainer.is_main or best is None or not best.is_file():
            return
        if best.resolve() != target.resolve():  # the same file may be spelled two ways
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(best, target)
        self.best_checkpoint = target

    def on_iteration_end(self, trainer: Trainer, metrics: dict[str, float]) -> None:
        if trainer.is_main and self.freq and trainer.iteration % self.freq == 0:
            metrics.update(self._evaluate(trainer))

    def on_train_end(self, trainer: Trainer) -> None:
        if not trainer.is_main or trainer.interrupted:
            return
        if self._last_eval_iteration != trainer.iteration:
            self._evaluate(trainer)

    def state_dict(self) -> dict[str, Any]:
        return {
            "best_value": self.best_value,
            "best_checkpoint": str(self.best_checkpoint) if self.best_checkpoint else None,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.best_value = float(state["best_value"])
        best = state.get("best_checkpoint")
        self.best_checkpoint = Path(best) if best else None
