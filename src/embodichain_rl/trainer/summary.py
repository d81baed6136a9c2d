"""``TrainSummary``: what ``summary.json`` records about a finished run."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from embodichain_rl.trainer.evaluator import EvalResult, Evaluator


@dataclass
class TrainSummary:
    """The run's totals and its final evaluation (success fields are ``None`` for envs
    that report no success)."""

    iterations: int
    """Iterations completed (the resumed ones included)."""
    global_steps: int
    """Env steps collected over the whole run (the resumed ones included)."""
    session_steps: int
    """Env steps collected by this ``learn`` call (after any resume)."""
    wall_time_s: float
    """Wall time of this ``learn`` call's loop and final evaluation (s)."""
    sps: float
    """``session_steps / wall_time_s``: this session's env steps per second."""
    eval_success_rate: float | None
    """Final evaluation's success rate."""
    eval_success_ci95: tuple[float, float] | None
    """Its 95 % Wilson interval."""
    eval_return_mean: float | None
    """Final evaluation's mean episode return."""
    eval_return_std: float | None
    """Standard deviation of those returns."""
    eval_episode_length: float | None
    """Final evaluation's mean episode length."""
    eval_episodes: int
    """Episodes in the final evaluation (0 without one)."""
    best_metric: str
    """Eval metric ``best.pt`` was ranked by."""
    best_value: float | None
    """Its best value (the one ``best.pt`` holds)."""
    best_checkpoint: str | None
    """``best.pt`` path."""
    last_checkpoint: str | None
    """``last.pt`` path."""
    objective: float
    """Final value of ``best_metric`` (what a sweep optimises); ``nan`` without an
    evaluation."""
    stop_reason: str | None = None
    """Why training ended before ``runtime.iterations`` (an early-stop callback), if it did."""

    @classmethod
    def build(
        cls,
        *,
        result: EvalResult | None,
        best_metric: str,
        **totals: object,
    ) -> TrainSummary:
        """A summary from the run's totals and its final evaluation (if any)."""
        eval_fields: dict[str, object] = {
            "eval_success_rate": None,
            "eval_success_ci95": None,
            "eval_return_mean": None,
            "eval_return_std": None,
            "eval_episode_length": None,
            "eval_episodes": 0,
        }
        if result is not None:
            eval_fields = {
                "eval_success_rate": result.success_rate,
                "eval_success_ci95": Evaluator.success_interval(result),
                "eval_return_mean": result.return_mean,
                "eval_return_std": result.return_std,
                "eval_episode_length": result.length_mean,
                "eval_episodes": result.episodes,
            }
        return cls(best_metric=best_metric, **eval_fields, **totals)  # type: ignore[arg-type]

    def write(self, path: Path) -> Path:
        """Write the summary as JSON to ``path``."""
        path.write_text(json.dumps(asdict(self), indent=2))
        return path
