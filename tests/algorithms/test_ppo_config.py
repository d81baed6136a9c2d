"""PPOConfig: the one source of PPO's defaults, keyword checking, minibatch sizing and
validation."""

from __future__ import annotations

import pytest
import torch

from embodichain_rl.algorithms import PPO, PPOConfig
from embodichain_rl.algorithms.ppo_config import minibatch_size
from embodichain_rl.policies import ActorCritic


def _policy() -> ActorCritic:
    return ActorCritic(obs_dim=2, action_dim=1)


def test_constructor_keywords_are_config_fields_and_defaults_come_from_it() -> None:
    assert PPO(policy=_policy(), device="cpu").config == PPOConfig()
    algo = PPO(policy=_policy(), device="cpu", gamma=0.8, n_epochs=2)
    assert algo.config == PPOConfig(gamma=0.8, n_epochs=2)


def test_unknown_keyword_names_it_with_a_suggestion_and_the_valid_ones() -> None:
    with pytest.raises(TypeError, match=r"PPO: unknown keyword 'gama' \(did you mean 'gamma'\?\)"):
        PPO(policy=_policy(), device="cpu", gama=0.9)
    with pytest.raises(TypeError, match=r"valid: learning_rate, n_epochs, num_minibatches"):
        PPO(policy=_policy(), device="cpu", minibatch=3)


def test_from_config_keeps_every_value() -> None:
    cfg = PPOConfig(
        num_minibatches=None, batch_size=32, gamma=0.8, lr_schedule="linear", total_updates=10
    )
    algo = PPO.from_config(policy=_policy(), device="cpu", config=cfg)
    assert algo.config == cfg
    assert algo.device == torch.device("cpu")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"gamma": 1.5}, "gamma must be in"),
        ({"num_minibatches": None, "batch_size": 0}, "batch_size must be >= 1"),
        ({"num_minibatches": 0}, "num_minibatches must be >= 1"),
        ({"lr_schedule": "cyclic"}, r"lr_schedule must be one of \['constant', 'linear', 'cosine'"),
        ({"total_updates": 0}, "total_updates must be"),
        ({"target_kl": 0.0}, "target_kl must be"),
        ({"clip_coef": -0.1}, "clip_coef must be"),
    ],
)
def test_invalid_values_are_rejected(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PPOConfig(**overrides)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=message):
        PPO(policy=_policy(), device="cpu", **overrides)


@pytest.mark.parametrize(
    ("overrides", "state"),
    [({"batch_size": 64}, "both are set"), ({"num_minibatches": None}, "both are null")],
)
def test_exactly_one_of_num_minibatches_and_batch_size(
    overrides: dict[str, object], state: str
) -> None:
    with pytest.raises(
        ValueError,
        match=rf"exactly one of num_minibatches .* and batch_size .*{state}.*"
        r"algorithm\.num_minibatches=null to use batch_size",
    ):
        PPO(policy=_policy(), device="cpu", **overrides)


def test_minibatches_follow_the_rollout() -> None:
    # N minibatches of any rollout (8 by default); a batch_size is taken as given.
    assert minibatch_size(4, None, 16, 16) == 64
    assert minibatch_size(4, None, 16, 2048) == 8192
    assert minibatch_size(3, None, 5, 2) == 3  # 10 // 3; the last sample is dropped
    assert minibatch_size(None, 24, 16, 2) == 24
    algo = PPO(policy=_policy(), device="cpu")
    algo.initialize_buffer(16, 16, 2, 1)
    assert algo.minibatch_size == 32  # 256 samples / 8


def test_linear_schedule_needs_a_horizon_when_built() -> None:
    PPOConfig(lr_schedule="linear")  # the trainer fills total_updates in later
    with pytest.raises(ValueError, match="needs total_updates"):
        PPO(policy=_policy(), device="cpu", lr_schedule="linear")


def test_minibatches_larger_than_the_rollout_fail_at_buffer_setup() -> None:
    too_big = PPO(policy=_policy(), device="cpu", num_minibatches=None, batch_size=64)
    with pytest.raises(ValueError, match=r"batch_size=64 .* 4\*8 = 32 samples"):
        too_big.initialize_buffer(4, 8, 2, 1)
    too_many = PPO(policy=_policy(), device="cpu", num_minibatches=33)
    with pytest.raises(ValueError, match=r"num_minibatches=33 exceeds .* 4\*8 = 32 samples"):
        too_many.initialize_buffer(4, 8, 2, 1)
    PPO(policy=_policy(), device="cpu", num_minibatches=32).initialize_buffer(4, 8, 2, 1)
