"""One cell of ``embodichain-bench suite`` (a task, an algorithm, a seed): the callback that
records its evaluations, the metrics derived from them, and its ``cell.json`` record."""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from embodichain_rl.bench.suite_stats import first_crossing, sustained_crossing, window_mean
from embodichain_rl.callbacks.base import Callback

if TYPE_CHECKING:
    from embodichain_rl.trainer.trainer import Trainer

CELL_FILE = "cell.json"
"""The record a finished cell leaves in its directory (written last, atomically)."""


@dataclass(frozen=True)
class EvalPoint:
    """One evaluation during a cell's training."""

    iteration: int
    """Training iterations completed when it ran."""
    env_steps: int
    """Training env steps collected by then."""
    seconds: float
    """Wall time from the start of training to the end of this evaluation (evaluations
    included)."""
    success_rate: float | None
    """Eval success rate (``None`` for an env that reports no success)."""
    episode_return: float
    """Mean eval episode return."""

    def value(self, metric: str) -> float:
        """The value of ``metric`` (``success_rate`` or ``episode_return``; NaN if absent)."""
        value = self.success_rate if metric == "success_rate" else self.episode_return
        return math.nan if value is None else float(value)


class SuiteMeter(Callback):
    """Records every evaluation of a run: the periodic ones (``eval/*`` in an iteration's
    metrics) and the final one the evaluation callback runs at the end of training (it runs
    before this callback, which the trainer lists after its own)."""

    def __init__(self) -> None:
        self.points: list[EvalPoint] = []
        """The evaluations, in order."""
        self._start = time.perf_counter()

    def on_train_start(self, trainer: Trainer) -> None:
        self._start = time.perf_counter()

    def _record(self, trainer: Trainer, success: float | None, episode_return: float) -> None:
        self.points.append(
            EvalPoint(
                iteration=trainer.iteration,
                env_steps=trainer.global_step,
                seconds=time.perf_counter() - self._start,
                success_rate=None if success is None else float(success),
                episode_return=float(episode_return),
            )
        )

    def on_iteration_end(self, trainer: Trainer, metrics: dict[str, float]) -> None:
        if "eval/episode_return" in metrics:
            self._record(trainer, metrics.get("eval/success_rate"), metrics["eval/episode_return"])

    def on_train_end(self, trainer: Trainer) -> None:
        last = trainer.evaluation.last_eval
        if last is None or trainer.interrupted:
            return
        if self.points and self.points[-1].iteration == trainer.iteration:
            return
        self._record(trainer, last.success_rate, last.return_mean)


@dataclass(frozen=True)
class Crossings:
    """What a cell's evaluations say about its threshold and its end of training."""

    final_success: float | None
    """The last evaluation's success rate."""
    final_return: float | None
    """The last evaluation's mean return."""
    sustained_success: float | None
    """Mean success rate of the last K evaluations."""
    sustained_return: float | None
    """Mean return of the last K evaluations."""
    hit_env_steps: int | None
    """Env steps at the first evaluation whose metric reached the threshold."""
    hit_seconds: float | None
    """Wall time to that evaluation."""
    sustained_hit_env_steps: int | None
    """Env steps at the first evaluation that starts ``sustain`` consecutive ones at or
    above the threshold."""


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else value


def crossings(
    points: list[EvalPoint], *, metric: str, threshold: float, window: int, sustain: int
) -> Crossings:
    """The threshold crossings and final values of ``points`` (see :class:`Crossings`)."""
    values = [p.value(metric) for p in points]
    hit = first_crossing(values, threshold)
    held = sustained_crossing(values, threshold, sustain)
    last = points[-1] if points else None
    success = [p.value("success_rate") for p in points]
    returns = [p.episode_return for p in points]
    return Crossings(
        final_success=None if last is None else last.success_rate,
        final_return=None if last is None else last.episode_return,
        sustained_success=_finite(window_mean(success, window)),
        sustained_return=_finite(window_mean(returns, window)),
        hit_env_steps=None if hit is None else points[hit].env_steps,
        hit_seconds=None if hit is None else points[hit].seconds,
        sustained_hit_env_steps=None if held is None else points[held].env_steps,
    )


@dataclass
class CellResult:
    """Everything measured about one cell (one row of ``cells.csv``; ``evals`` and
    ``overrides`` only in the JSON files)."""

    task: str
    algorithm: str
    seed: int
    status: str
    """``ok``, or ``failed`` (``error`` says why; the cell runs again on resume)."""
    metric: str
    """The task's threshold metric."""
    threshold: float
    """The task's threshold."""
    iterations: int
    """Training iterations run."""
    env_steps: int
    """Training env steps collected."""
    wall_s: float
    """Wall time of ``Trainer.learn`` (training, evaluations, final evaluation)."""
    build_s: float
    """Wall time to build the trainer (composition, env, policy, algorithm)."""
    train_fps: float
    """``env_steps / wall_s``: env steps per second end to end, evaluations included."""
    env_fps: float | None
    """Env-only steps per second of the cell's training env (random actions, no policy)."""
    final_success: float | None
    final_return: float | None
    sustained_success: float | None
    sustained_return: float | None
    hit_env_steps: int | None
    hit_seconds: float | None
    sustained_hit_env_steps: int | None
    evaluations: int
    """Evaluations recorded (the final one included)."""
    run_dir: str
    """The trainer's run directory (summary.json, curves.png, logs, last.pt)."""
    error: str | None = None
    """Why the cell failed."""
    overrides: list[str] = field(default_factory=list)
    """The Hydra overrides the cell ran with (a resumed suite checks them)."""
    evals: list[EvalPoint] = field(default_factory=list)
    """Every evaluation."""

    def as_dict(self) -> dict[str, Any]:
        """The record as plain JSON values."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CellResult:
        """The record written by :meth:`as_dict`."""
        evals = [EvalPoint(**point) for point in data.get("evals", [])]
        return cls(**{**data, "evals": evals})


def write_cell(cell_dir: Path, result: CellResult) -> Path:
    """Write ``cell_dir/cell.json`` atomically (a killed suite never leaves half a record)."""
    cell_dir.mkdir(parents=True, exist_ok=True)
    path = cell_dir / CELL_FILE
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(result.as_dict(), indent=2))
    os.replace(temporary, path)
    return path


def read_cell(cell_dir: Path) -> CellResult | None:
    """The cell recorded in ``cell_dir``, or ``None`` when there is no readable record."""
    path = cell_dir / CELL_FILE
    try:
        return CellResult.from_dict(json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return None
