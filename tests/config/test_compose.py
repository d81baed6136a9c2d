"""Every group option composes against its schema and instantiates."""

from __future__ import annotations

import pytest
import torch
from omegaconf import OmegaConf

from embodichain_rl.algorithms import APG, BC, GRPO, PPO, SAC, TD3
from embodichain_rl.config import GROUP_SCHEMAS, validate_config
from embodichain_rl.envs.base import EmbodiedEnv
from embodichain_rl.policies import (
    ActorCritic,
    ActorOnly,
    DeterministicActorCritic,
    SquashedGaussianActorCritic,
    VLAPolicy,
)
from embodichain_rl.trainer.build import build_components

CPU = torch.device("cpu")
SMALL = ("eval.num_envs=2",)
SMALL_ENV = {
    "cart_pole": ("env.num_envs=4",),
    "point_mass": ("env.num_envs=4",),
    "push_cube": ("env.num_envs=4",),
    "push_cube_mujoco": ("env.num_envs=4",),
    "push_cube_language": ("env.num_envs=2", "policy.encoder.type=nature_cnn"),
    "gym": ("env.num_envs=2",),
}
VLA_SMALL = ("env.num_envs=2", "policy.tiny.hidden_size=32", "policy.tiny.vision_hidden_size=32")
"""The VLA on the language env, shrunk (it replaces the env's actor-critic overrides)."""
POLICY_CLASSES = {
    "actor_critic": ActorCritic,
    "sac_actor_critic": SquashedGaussianActorCritic,
    "td3_actor_critic": DeterministicActorCritic,
    "actor_only": ActorOnly,
    "vla": VLAPolicy,
}
# Each algorithm option with the policy option and env option it runs with, and its class.
ALGORITHMS = {
    "ppo": ("actor_critic", "push_cube", PPO),
    "sac": ("sac_actor_critic", "push_cube", SAC),
    "td3": ("td3_actor_critic", "push_cube", TD3),
    "grpo": ("actor_only", "push_cube", GRPO),
    "apg": ("actor_only", "point_mass", APG),  # APG needs a differentiable env
    "bc": ("actor_critic", "push_cube", BC),  # BC needs an env with a scripted expert
}
ALGORITHM_OF_POLICY = {
    "actor_critic": "ppo",
    "sac_actor_critic": "sac",
    "td3_actor_critic": "td3",
    "actor_only": "grpo",
}


def _case(group: str, option: str) -> tuple[str, str, str]:
    """The (env, policy, algorithm) options that exercise ``group=option``."""
    if group == "env":
        return option, "actor_critic", "ppo"
    if option == "vla":  # the VLA reads images and language: the language env
        return "push_cube_language", "vla", "ppo"
    algorithm = ALGORITHM_OF_POLICY[option] if group == "policy" else option
    policy, env, _ = ALGORITHMS[algorithm]
    return env, policy, algorithm


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
    env_option, policy_option, algorithm_option = _case(group, option)
    policy_class, algorithm_class = POLICY_CLASSES[policy_option], ALGORITHMS[algorithm_option][2]
    cfg = compose_train(
        f"env={env_option}",
        f"policy={policy_option}",
        f"algorithm={algorithm_option}",
        *SMALL,
        *(VLA_SMALL if policy_option == "vla" else SMALL_ENV[env_option]),
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
