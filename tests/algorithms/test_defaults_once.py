"""Defaults are written once: PPO and ActorCritic built in Python equal the ones composed
from ``algorithm=ppo`` / ``policy=actor_critic``, except for the listed deliberate overrides
of the YAML presets."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from embodichain_rl.algorithms import PPO
from embodichain_rl.policies import ActorCritic

PPO_YAML_OVERRIDES: dict[str, Any] = {"lr_schedule": "linear"}
"""conf/algorithm/ppo.yaml: a composed run knows its horizon (the trainer passes
total_updates = runtime.iterations); standalone PPO keeps a constant rate."""

POLICY_YAML_OVERRIDES: dict[str, Any] = {}
"""conf/policy/actor_critic.yaml overrides nothing."""


def _values(node: DictConfig) -> dict[str, Any]:
    values = OmegaConf.to_container(node, resolve=True)
    assert isinstance(values, dict)
    values.pop("_target_")
    return values


def _differences(composed: dict[str, Any], python: dict[str, Any]) -> dict[str, Any]:
    assert set(composed) == set(python)
    return {key: value for key, value in composed.items() if value != python[key]}


def test_ppo_from_python_equals_ppo_from_yaml_but_the_deliberate_overrides(
    compose_train,
) -> None:
    cfg = compose_train("algorithm=ppo")
    policy = ActorCritic(obs_dim=2, action_dim=1)
    python = asdict(PPO(policy=policy, device="cpu").config)
    assert _differences(_values(cfg.algorithm), python) == PPO_YAML_OVERRIDES
    built = instantiate(cfg.algorithm, policy=policy, device="cpu", total_updates=7)
    assert asdict(built.config) == {**python, **PPO_YAML_OVERRIDES, "total_updates": 7}


def test_actor_critic_from_python_equals_actor_critic_from_yaml(compose_train) -> None:
    cfg = compose_train("policy=actor_critic")
    python = ActorCritic(obs_dim=5, action_dim=3)
    assert _differences(_values(cfg.policy), asdict(python.config)) == POLICY_YAML_OVERRIDES
    built = instantiate(cfg.policy, obs_dim=5, action_dim=3, _convert_="all")
    assert built.config == python.config
    shapes = {name: tuple(t.shape) for name, t in python.state_dict().items()}
    assert {name: tuple(t.shape) for name, t in built.state_dict().items()} == shapes
