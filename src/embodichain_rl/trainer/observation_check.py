"""Refuse an observation the chosen algorithm or policy cannot read, before anything is built:
dict observations (camera images) with a flat-only learner, an image without an encoder,
an image smaller than the encoder takes."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
from hydra.utils import get_class
from omegaconf import DictConfig

from embodichain_rl.trainer.space_check import GYM_ENV_TARGET, option_name
from embodichain_rl.utils.observations import describe_observation_space, observation_shapes

FLAT_OBS_MODE = "state"
"""The ``env.obs_mode`` of a flat state vector (every other mode gives a dict)."""


def single_observation_space(cfg: DictConfig) -> gym.Space[Any] | None:
    """The single-env observation space ``cfg.env`` will produce, when it may be a dict
    (an ``obs_mode`` other than ``state``, or a Gymnasium env); ``None`` otherwise or when
    the env cannot be probed (its own build reports that later)."""
    env_cfg = cfg.get("env")
    if env_cfg is None:
        return None
    if str(env_cfg.get("_target_", "")) == GYM_ENV_TARGET:
        try:
            env = gym.make(str(env_cfg.gym_id), **dict(env_cfg.get("env_kwargs") or {}))
        except Exception:  # an unknown id or bad kwargs fail later with their own message
            return None
        try:
            return env.observation_space
        finally:
            env.close()
    if str(env_cfg.get("obs_mode", FLAT_OBS_MODE)) == FLAT_OBS_MODE:
        return None
    from embodichain_rl.trainer.build import build_env

    try:
        env = build_env(env_cfg, device="cpu", num_envs=1)
    except Exception:  # invalid env config: the schema check names it
        return None
    try:
        return env.single_observation_space
    finally:
        env.close()


def observation_problem(cfg: DictConfig) -> str | None:
    """One line when ``cfg.env`` gives dict observations that ``cfg.algorithm`` or
    ``cfg.policy`` cannot take (or that the policy's encoder cannot read); else ``None``."""
    if cfg.get("algorithm") is None or cfg.get("policy") is None:
        return None
    space = single_observation_space(cfg)
    shapes = None if space is None else observation_shapes(space)
    if shapes is None or space is None:
        return flat_observation_problem(cfg)
    seen = f"env gives dict observations {describe_observation_space(space)}"
    mode = cfg.env.get("obs_mode")
    if mode is not None:
        seen = f"env.obs_mode={mode} gives {describe_observation_space(space)}"
    try:
        algorithm_class: Any = get_class(str(cfg.algorithm.get("_target_", "")))
        policy_class: Any = get_class(str(cfg.policy.get("_target_", "")))
    except Exception:  # an unimportable target fails later with its own message
        return None
    algorithm = option_name(cfg, "algorithm")
    policy = option_name(cfg, "policy")
    if not getattr(algorithm_class, "accepts_dict_observations", False):
        return (
            f"algorithm={algorithm} learns from flat observations, but {seen}: use "
            "algorithm=ppo (policy=actor_critic) or algorithm=sac (policy=sac_actor_critic) "
            "with policy.encoder.type=nature_cnn or impala, or env.obs_mode=state"
        )
    if not getattr(policy_class, "accepts_dict_observations", False):
        return (
            f"policy={policy} reads flat observations, but {seen}: use policy=actor_critic "
            "(or sac_actor_critic for algorithm=sac) with policy.encoder.type=nature_cnn or "
            "impala, or env.obs_mode=state"
        )
    check = getattr(policy_class, "observation_problem", None)
    return None if check is None else check(cfg.policy, shapes)


def flat_observation_problem(cfg: DictConfig) -> str | None:
    """One line when the policy reads only dict observations (``requires_dict_observations``,
    the VLA) but ``cfg.env`` gives a flat vector."""
    try:
        policy_class: Any = get_class(str(cfg.policy.get("_target_", "")))
    except Exception:  # an unimportable target fails later with its own message
        return None
    if not getattr(policy_class, "requires_dict_observations", False):
        return None
    policy = option_name(cfg, "policy")
    return (
        f"policy={policy} reads a camera image and an instruction, but the env gives flat "
        "observations: use env=push_cube_language"
    )
