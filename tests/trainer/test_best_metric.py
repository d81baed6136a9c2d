"""Envs without a success signal: best.pt follows the eval return, and no success rate is
made up for them."""

from __future__ import annotations

from pathlib import Path

from embodichain_rl import Trainer
from embodichain_rl.trainer.checkpoint import load_checkpoint
from tests.trainer.resume_helpers import scalars


def test_pendulum_best_checkpoint_holds_the_best_eval_return(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    overrides = [
        "+experiment=pendulum_ppo",
        "runtime.iterations=6",
        "eval.freq=2",
        "runtime.device=cpu",
        "logging.progress_bar=false",
        # The seeded trajectory this test was written on: its best return is not the first.
        "algorithm.normalize_reward=false",
        "algorithm.normalize_value=false",
        "runtime.compile=none",
    ]
    with Trainer.from_overrides(overrides, run_dir=run_dir) as trainer:
        summary = trainer.learn()
    returns = dict(scalars(run_dir)["eval/episode_return"])
    assert len(returns) == 3  # iterations 2, 4, 6
    assert "eval/success_rate" not in scalars(run_dir)
    assert "charts/success_rate" not in scalars(run_dir)
    best_step = max(returns, key=returns.__getitem__)
    assert best_step > min(returns)  # not the first evaluation, where success-ranking stuck
    best = load_checkpoint(run_dir / "checkpoints" / "best.pt")
    assert best["global_step"] == best_step
    assert best["eval"]["return_mean"] == returns[best_step]
    assert summary.best_metric == "episode_return"
    assert summary.best_value == returns[best_step]
    assert summary.eval_success_rate is None
    assert summary.objective == returns[max(returns)]  # the final evaluation's return
