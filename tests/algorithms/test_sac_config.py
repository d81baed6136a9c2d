"""``SACConfig`` / ``algorithm=sac``: defaults, range checks, the replay-size cross-checks,
and what the trainer composes and builds (registry, bounds in the policy spec)."""

from __future__ import annotations

import re
from dataclasses import asdict

import pytest
import torch
from omegaconf import OmegaConf

from embodichain_rl.algorithms.off_policy.sac import SAC
from embodichain_rl.algorithms.off_policy.sac_config import SACConfig
from embodichain_rl.algorithms.registry import get_algo_class
from embodichain_rl.config.compose import compose_config
from embodichain_rl.policies import ActorCritic
from embodichain_rl.policies.registry import get_policy_class
from embodichain_rl.policies.squashed_gaussian import SquashedGaussianActorCritic
from embodichain_rl.policies.squashed_gaussian_config import SquashedGaussianActorCriticConfig
from embodichain_rl.trainer.build import build_policy


def test_registered_under_their_option_names() -> None:
    assert get_algo_class("sac") is SAC
    assert get_policy_class("sac_actor_critic") is SquashedGaussianActorCritic


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"updates_per_step": 0}, "updates_per_step must be >= 1, got 0"),
        ({"batch_size": 300, "learning_starts": 200}, "batch_size=300 exceeds learning_starts=200"),
        ({"learning_starts": 2000, "buffer_size": 1000}, "learning_starts=2000 exceeds buffer"),
        ({"tau": 0.0}, "tau must be in (0, 1]"),
        ({"gamma": 1.5}, "gamma must be in [0, 1]"),
        ({"n_step": 0}, "n_step must be >= 1"),
        ({"init_alpha": 0.0}, "init_alpha must be > 0"),
        ({"policy_frequency": 0}, "policy_frequency must be >= 1"),
    ],
)
def test_out_of_range_values_are_refused(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match="invalid SAC config: .*" + re.escape(message)):
        SACConfig(**overrides)  # type: ignore[arg-type]


def test_ring_must_hold_n_step_rows_and_learning_starts() -> None:
    cfg = SACConfig(buffer_size=64, batch_size=8, learning_starts=60, n_step=3)
    assert cfg.rollout_problems(4, 16) == []  # 4 rows of 16 envs = 64 transitions
    assert cfg.rollout_problems(4, 32) == [
        "buffer_size=64 holds 2 steps of env.num_envs=32 envs, fewer than n_step=3: "
        "raise algorithm.buffer_size"
    ]
    assert cfg.rollout_problems(4, 19) == [
        "buffer_size=64 holds 57 transitions of env.num_envs=19 envs, fewer than "
        "learning_starts=60: raise algorithm.buffer_size"
    ]


def test_composed_defaults_are_the_python_defaults() -> None:
    """Defaults are written once: the YAML presets override nothing."""
    cfg = compose_config(["algorithm=sac", "policy=sac_actor_critic"], config_name="train")
    algorithm = OmegaConf.to_container(cfg.algorithm, resolve=True)
    policy_values = OmegaConf.to_container(cfg.policy, resolve=True)
    assert isinstance(algorithm, dict) and isinstance(policy_values, dict)
    assert algorithm.pop("_target_") == "embodichain_rl.algorithms.off_policy.sac.SAC"
    assert algorithm == asdict(SACConfig())
    policy_values.pop("_target_")
    assert policy_values == asdict(SquashedGaussianActorCriticConfig())
    spec = {"obs_dim": 3, "action_dim": 1, "action_nvec": None}
    policy = build_policy(cfg.policy, {**spec, "action_low": [-2.0], "action_high": [2.0]})
    assert isinstance(policy, SquashedGaussianActorCritic)
    assert torch.equal(policy.action_high, torch.tensor([2.0]))


def test_bounds_are_dropped_for_a_policy_that_does_not_take_them() -> None:
    cfg = compose_config([], config_name="train")
    spec = {
        "obs_dim": 3,
        "action_dim": 1,
        "action_nvec": None,
        "action_low": [-2.0],
        "action_high": [2.0],
    }
    policy = build_policy(cfg.policy, spec)  # ActorCritic: no action_low keyword
    assert not hasattr(policy, "action_low")


def test_sac_refuses_another_policy() -> None:
    with pytest.raises(ValueError, match="algorithm=sac needs policy=sac_actor_critic"):
        SAC(policy=ActorCritic(obs_dim=3, action_dim=1), device="cpu")
