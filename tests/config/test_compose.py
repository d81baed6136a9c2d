"""Every group option composes against its schema and instantiates."""

from __future__ import annotations

import pytest
import torch
from omegaconf import OmegaConf

from embodichain_rl.algorithms import PPO, SAC, TD3
from embodichain_rl.config import GROUP_SCHEMAS, validate_config
from embodichain_rl.envs.base import EmbodiedEnv
from embodichain_rl.policies import (
    ActorCritic,
    DeterministicActorCritic,
    SquashedGaussianActorCritic,
)
from embodichain_rl.trainer.build import build_components

CPU = torch.device("cpu")
SMALL = ("eval.num_envs=2",)
SMALL_ENV = {
    "push_cube": ("env.num_envs=4",),
    "push_cube_mujoco": ("env.num_envs=4",),
    "gym": ("env.num_envs=2",),
}
# Each policy option with the algorithm it serves, and the classes they build.
PAIRS = {
    "actor_critic": ("ppo", ActorCritic, PPO),
    "sac_actor_critic": ("sac", SquashedGaussianActorCritic, SAC),
    "td3_actor_critic": ("td3", DeterministicActorCritic, TD3),
}
POLICY_OF_ALGORITHM = {algorithm: policy for policy, (algorithm, _, _) in PAIRS.items()}


def test_default_config_is_push_cube_ppo(compose_train) -> None:
    cfg = compose_train()
    assert cfg.env.env_id == "PushCubeRL"
    assert cfg.env.control_mode == "joint_delta_pos"
    assert cfg.policy._target_.endswith("ActorCritic")
    assert cfg.algorithm._target_.endswith("PPO")
    assert OmegaConf.missing_keys(cfg) == set()


def test_overrides_reach_the_typed_config(compose_train) -> None:
    cfg = compose_train("env=push_cube", "algorithm=ppo", "algorithm.gamma=0.98")
    assert cfg.algorithm.gamma == pytest.approx(0.98)
    typed = validate_config(cfg)
    assert typed.algorithm.gamma == pytest.approx(0.98)
    assert type(typed.algorithm).__name__ == "PPOAlgorithmConfig"


@pytest.mark.parametrize(
    ("group", "option"),
    [(group, option) for group, options in GROUP_SCHEMAS.items() for option in options],
)
def test_every_option_composes_and_instantiates(compose_train, group: str, option: str) -> None:
    env_option = option if group == "env" else "push_cube"
    policy_option = {"policy": option, "algorithm": POLICY_OF_ALGORITHM.get(option)}.get(group)
    policy_option = policy_option or "actor_critic"
    algorithm_option, policy_class, algorithm_class = PAIRS[policy_option]
    cfg = compose_train(
        f"env={env_option}",
        f"policy={policy_option}",
        f"algorithm={algorithm_option}",
        *SMALL,
        *SMALL_ENV[env_option],
    )
    validate_config(cfg)
    components = build_components(cfg, CPU)
    try:
        assert isinstance(components.env, EmbodiedEnv)
        assert components.eval_env.num_envs == 2
        assert type(components.policy) is policy_class
        assert type(components.algorithm) is algorithm_class
        obs, _ = components.env.reset(seed=0)
        action, _, value = components.policy.get_action(obs)
        assert value.shape == (components.env.num_envs,)
        assert action.shape[0] == components.env.num_envs
    finally:
        components.env.close()
        components.eval_env.close()


def test_schemas_are_not_selectable_options(compose_train) -> None:
    from hydra.core.global_hydra import GlobalHydra

    options = GlobalHydra.instance().config_loader().get_group_options("env")
    assert sorted(options) == sorted(GROUP_SCHEMAS["env"])
