"""The off-policy experiment presets compose with the SAC / TD3 schemas and mean what their
comments say (budgets in env steps, evaluation grid, control mode), and one trains."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from embodichain_rl import Trainer


def env_steps_per_iteration(cfg) -> int:
    return cfg.runtime.rollout_steps * cfg.env.num_envs


def test_halfcheetah_sac_is_300k_env_steps_with_an_eval_every_25k(compose_train) -> None:
    cfg = compose_train("+experiment=halfcheetah_sac")
    assert cfg.env.gym_id == "HalfCheetah-v5"
    assert cfg.algorithm._target_.endswith(".SAC")
    per_iteration = env_steps_per_iteration(cfg)
    assert cfg.runtime.iterations * per_iteration == 300_000
    assert cfg.eval.freq * per_iteration == 25_000
    # One gradient step per transition: updates_per_step counts per vectorised step.
    assert cfg.algorithm.updates_per_step == cfg.env.num_envs
    assert cfg.algorithm.learning_starts <= cfg.algorithm.buffer_size


@pytest.mark.parametrize(
    ("preset", "algorithm"), [("push_cube_sac", "SAC"), ("push_cube_td3", "TD3")]
)
def test_push_cube_presets_use_ee_control_and_many_envs(
    compose_train, preset: str, algorithm: str
) -> None:
    cfg = compose_train(f"+experiment={preset}")
    assert cfg.algorithm._target_.endswith(f".{algorithm}")
    assert cfg.env.control_mode == "ee_delta_pos"  # documented in docs/off_policy.md
    assert cfg.env.num_envs >= 256
    per_iteration = env_steps_per_iteration(cfg)
    assert cfg.eval.freq * per_iteration == 25_600
    # The env-step budget stays far below PPO's default (400 x 2,048 x 16 = 13.1 M).
    assert cfg.runtime.iterations * per_iteration == 512_000
    gradient_steps_per_transition = cfg.algorithm.updates_per_step / cfg.env.num_envs
    assert math.isclose(gradient_steps_per_transition, 2 / 256)


def test_push_cube_sac_trains_past_its_warm_up(tmp_path: Path) -> None:
    overrides = [
        "+experiment=push_cube_sac",
        "env.num_envs=16",
        "eval.num_envs=2",
        "runtime.iterations=3",
        "algorithm.learning_starts=32",  # 2 iterations of random actions
        "algorithm.batch_size=32",
        "runtime.device=cpu",
        "logging.progress_bar=false",
    ]
    with Trainer.from_overrides(overrides, run_dir=tmp_path) as trainer:
        summary = trainer.learn()
        # Learning starts once 32 transitions are stored: the updates after iterations 2
        # and 3 train, each with updates_per_step (2) x rollout_steps (1) gradient steps.
        assert trainer.algorithm.gradient_steps == 2 * 2
    assert summary.global_steps == 3 * 16
    assert summary.eval_success_rate is not None


@pytest.mark.parametrize("preset", ["push_cube_sac", "push_cube_td3"])
def test_off_policy_smoke_takes_gradient_steps(tmp_path: Path, preset: str) -> None:
    overrides = [f"+experiment={preset}", "+debug=smoke_off_policy", "runtime.device=cpu"]
    with Trainer.from_overrides(overrides, run_dir=tmp_path) as trainer:
        cfg = trainer.cfg
        summary = trainer.learn()
        # One iteration of 16 transitions fills past learning_starts=8, then the update
        # takes updates_per_step gradient steps per vectorised step collected.
        expected = cfg.algorithm.updates_per_step * cfg.runtime.rollout_steps
        assert trainer.algorithm.gradient_steps == expected
    assert summary.global_steps == cfg.runtime.rollout_steps * cfg.env.num_envs == 16
