"""Same config and seed on CPU give identical metrics and parameters."""

from __future__ import annotations

from pathlib import Path

import torch

from embodichain_rl.trainer.run import run
from tests.trainer.resume_helpers import TIMING_TAGS, scalars

TINY = (
    "env.num_envs=16",
    "runtime.iterations=3",
    "runtime.rollout_steps=8",
    "eval.num_envs=4",
    "eval.freq=1",
    "runtime.device=cpu",
    "logging.progress_bar=false",
    "algorithm.num_minibatches=4",
    "algorithm.n_epochs=2",
)


def test_two_runs_with_one_seed_match_exactly(compose_train, tmp_path: Path) -> None:
    cfg = compose_train(*TINY)
    first = run(cfg, tmp_path / "a")
    second = run(cfg, tmp_path / "b")
    assert first.eval_return_mean == second.eval_return_mean
    assert first.eval_success_rate == second.eval_success_rate
    logged_a, logged_b = scalars(tmp_path / "a"), scalars(tmp_path / "b")
    for tag in TIMING_TAGS:
        logged_a.pop(tag), logged_b.pop(tag)
    assert logged_a == logged_b
    params_a = torch.load(first.last_checkpoint, weights_only=True)["policy"]
    params_b = torch.load(second.last_checkpoint, weights_only=True)["policy"]
    assert params_a.keys() == params_b.keys()
    for name in params_a:
        assert torch.equal(params_a[name], params_b[name]), name


def test_another_seed_gives_other_parameters(compose_train, tmp_path: Path) -> None:
    first = run(compose_train(*TINY), tmp_path / "a")
    second = run(compose_train(*TINY, "runtime.seed=7"), tmp_path / "b")
    params_a = torch.load(first.last_checkpoint, weights_only=True)["policy"]
    params_b = torch.load(second.last_checkpoint, weights_only=True)["policy"]
    assert any(not torch.equal(params_a[k], params_b[k]) for k in params_a)
