"""Gymnasium's MuJoCo HalfCheetah-v5 (the ``mujoco`` extra) trains through ``env=gym``."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from embodichain_rl import Trainer

pytest.importorskip("mujoco", reason="the Gymnasium MuJoCo tasks need the `mujoco` extra")


def test_half_cheetah_trains_two_iterations_through_env_gym(tmp_path: Path) -> None:
    overrides = [
        "env=gym",
        "env.gym_id=HalfCheetah-v5",
        "+debug=smoke",
        "runtime.iterations=2",
        "runtime.device=cpu",
    ]
    with Trainer.from_overrides(overrides, run_dir=tmp_path) as trainer:
        # HalfCheetah-v5: 17 joint positions/velocities (root x excluded), 6 torques in [-1, 1].
        assert (trainer.env.obs_dim, trainer.env.action_dim) == (17, 6)
        summary = trainer.learn()
    assert summary.iterations == 2
    assert summary.global_steps == 2 * 4 * 4  # +debug=smoke: 4 envs x 4 rollout steps
    # The task never terminates: every eval episode runs to the 1,000-step time limit.
    assert summary.eval_episode_length == 1000.0
    assert summary.eval_return_mean is not None and math.isfinite(summary.eval_return_mean)
    assert summary.eval_success_rate is None  # no is_success in HalfCheetah's info
    assert (tmp_path / "checkpoints" / "last.pt").is_file()
