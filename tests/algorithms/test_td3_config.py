"""TD3's config: defaults written once (Python == ``algorithm=td3`` / ``policy=td3_actor_critic``),
out-of-range values refused in one line naming the dotted key, and the policy it needs."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from omegaconf import DictConfig, OmegaConf

from embodichain_rl import Trainer
from embodichain_rl.algorithms.off_policy.td3 import TD3
from embodichain_rl.algorithms.off_policy.td3_config import TD3Config
from embodichain_rl.config.errors import ConfigError
from embodichain_rl.config.validation import validate_config
from embodichain_rl.policies.deterministic_actor_critic import DeterministicActorCritic


def _values(node: DictConfig) -> dict[str, Any]:
    values = OmegaConf.to_container(node, resolve=True)
    assert isinstance(values, dict)
    values.pop("_target_")
    return values


def test_td3_and_its_policy_from_python_equal_the_yaml_presets(compose_train) -> None:
    cfg = compose_train("algorithm=td3", "policy=td3_actor_critic")
    policy = DeterministicActorCritic(obs_dim=3, action_dim=1)
    assert _values(cfg.policy) == asdict(policy.config)
    assert _values(cfg.algorithm) == asdict(TD3(policy=policy, device="cpu").config)


def test_fasttd3_defaults() -> None:
    cfg = TD3Config()
    assert (cfg.batch_size, cfg.updates_per_step, cfg.tau, cfg.policy_delay) == (32768, 2, 0.1, 2)
    assert (cfg.exploration_noise_min, cfg.exploration_noise_max) == (0.001, 0.4)
    assert (cfg.policy_noise, cfg.noise_clip, cfg.weight_decay) == (0.2, 0.5, 0.1)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("algorithm.policy_delay=0", "algorithm.policy_delay must be >= 1, got 0"),
        ("algorithm.noise_clip=-0.1", "algorithm.noise_clip must be >= 0, got -0.1"),
        ("algorithm.critic_learning_rate=0", "algorithm.critic_learning_rate must be > 0"),
        (
            "algorithm.exploration_noise_max=0.0001",
            "algorithm.exploration_noise_max must be >= exploration_noise_min (0.001)",
        ),
    ],
)
def test_out_of_range_values_name_the_dotted_key(
    compose_train, override: str, message: str
) -> None:
    cfg = compose_train("algorithm=td3", "policy=td3_actor_critic", override)
    with pytest.raises(ConfigError) as error:
        validate_config(cfg)
    assert str(error.value).startswith(f"invalid configuration: {message}")
    assert "\n" not in str(error.value)


def test_td3_with_a_stochastic_policy_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    run_dir = tmp_path / "run"
    message = "algorithm=td3 needs policy=td3_actor_critic, got policy=actor_critic"
    with pytest.raises(ConfigError, match=message):
        Trainer.from_overrides(
            [
                "algorithm=td3",
                "policy=actor_critic",
                "env.num_envs=4",
                "eval.num_envs=2",
                "runtime.device=cpu",
                f"hydra.run.dir={run_dir}",
            ]
        )
    assert not run_dir.exists()
