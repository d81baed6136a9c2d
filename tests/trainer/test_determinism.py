"""Same config and seed on CPU give identical metrics and parameters."""

from __future__ import annotations

from pathlib import Path

import torch
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from embodichain_rl.trainer.run import run

TINY = (
    "env.num_envs=16",
    "runtime.iterations=3",
    "runtime.rollout_steps=8",
    "runtime.eval_envs=4",
    "runtime.eval_freq=1",
    "runtime.device=cpu",
    "runtime.progress_bar=false",
    "algorithm.batch_size=32",
    "algorithm.n_epochs=2",
)


def _scalars(log_dir: Path) -> dict[str, list[tuple[int, float]]]:
    accumulator = EventAccumulator(str(log_dir))
    accumulator.Reload()
    return {
        tag: [(event.step, event.value) for event in accumulator.Scalars(tag)]
        for tag in accumulator.Tags()["scalars"]
        if "SPS" not in tag
    }


def test_two_runs_with_one_seed_match_exactly(compose_train, tmp_path: Path) -> None:
    cfg = compose_train(*TINY)
    first = run(cfg, tmp_path / "a")
    second = run(cfg, tmp_path / "b")
    assert first.eval_return_mean == second.eval_return_mean
    assert first.eval_success_rate == second.eval_success_rate
    assert _scalars(tmp_path / "a" / "logs") == _scalars(tmp_path / "b" / "logs")
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
