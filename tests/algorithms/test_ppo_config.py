"""PPOConfig: documented defaults shared with the PPO constructor, and validation."""

from __future__ import annotations

import dataclasses
import inspect

import pytest
import torch

from embodichain_rl.algorithms import PPO, PPOConfig
from embodichain_rl.policies import ActorCritic


def test_constructor_defaults_equal_the_config_defaults() -> None:
    params = inspect.signature(PPO).parameters
    for f in dataclasses.fields(PPOConfig):
        assert params[f.name].kind is inspect.Parameter.KEYWORD_ONLY
        assert params[f.name].default == f.default, f.name
    extra = set(params) - {f.name for f in dataclasses.fields(PPOConfig)}
    assert extra == {"policy", "device", "distributed"}


def test_from_config_keeps_every_value() -> None:
    cfg = PPOConfig(batch_size=32, gamma=0.8, lr_schedule="linear", total_updates=10)
    algo = PPO.from_config(policy=ActorCritic(obs_dim=2, action_dim=1), device="cpu", config=cfg)
    assert algo.config == cfg
    assert algo.device == torch.device("cpu")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"gamma": 1.5}, "gamma must be in"),
        ({"batch_size": 0}, "batch_size must be"),
        ({"lr_schedule": "cosine"}, r"lr_schedule must be one of \['constant', 'linear'\]"),
        ({"total_updates": 0}, "total_updates must be"),
        ({"target_kl": 0.0}, "target_kl must be"),
        ({"clip_coef": -0.1}, "clip_coef must be"),
    ],
)
def test_invalid_values_are_rejected(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PPOConfig(**overrides)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=message):
        PPO(policy=ActorCritic(obs_dim=2, action_dim=1), device="cpu", **overrides)  # type: ignore[arg-type]


def test_linear_schedule_needs_a_horizon_when_built() -> None:
    PPOConfig(lr_schedule="linear")  # the trainer fills total_updates in later
    with pytest.raises(ValueError, match="needs total_updates"):
        PPO(policy=ActorCritic(obs_dim=2, action_dim=1), device="cpu", lr_schedule="linear")


def test_batch_size_larger_than_rollout_fails_at_buffer_setup() -> None:
    algo = PPO(policy=ActorCritic(obs_dim=2, action_dim=1), device="cpu", batch_size=64)
    with pytest.raises(ValueError, match=r"4\*8 = 32"):
        algo.initialize_buffer(4, 8, 2, 1)
