"""Refuse a continuous-only policy on a discrete action space before anything is built."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
from hydra.utils import get_class
from omegaconf import DictConfig

GYM_ENV_TARGET = "embodichain_rl.envs.gym_adapter.GymnasiumEnv"
"""The env target whose action space can be read without building the vectorised env."""


def option_name(cfg: DictConfig, group: str) -> str:
    """The group option ``cfg.<group>`` was composed from (``sac_actor_critic``), found by
    its ``_target_``; else the target itself."""
    from embodichain_rl.config.schema import GROUP_SCHEMAS

    target = str(cfg[group].get("_target_", ""))
    for name, schema in GROUP_SCHEMAS[group].items():
        if getattr(schema, "_target_", None) == target:
            return name
    return target


def action_space_problem(cfg: DictConfig) -> str | None:
    """One line when ``cfg.policy`` needs a ``Box`` action space (its class has
    ``accepts_action_bounds = True``) but the Gymnasium env of ``cfg.env`` has another
    space; ``None`` otherwise (or when the env is not a Gymnasium one)."""
    policy_target = cfg.policy.get("_target_") if cfg.get("policy") is not None else None
    if policy_target is None or cfg.get("env") is None:
        return None
    try:
        policy_class: Any = get_class(str(policy_target))
    except Exception:  # an unimportable target fails later with its own message
        return None
    if not (
        getattr(policy_class, "accepts_action_bounds", False)
        or getattr(policy_class, "continuous_actions_only", False)
    ):
        return None
    if str(cfg.env.get("_target_", "")) != GYM_ENV_TARGET:
        return None
    gym_id = str(cfg.env.gym_id)
    try:
        spec = gym.spec(gym_id)
    except gym.error.Error:
        return None
    env = gym.make(spec, **dict(cfg.env.get("env_kwargs") or {}))
    try:
        space = env.action_space
    finally:
        env.close()
    if isinstance(space, gym.spaces.Box):
        return None
    return (
        f"policy={option_name(cfg, 'policy')} needs a continuous (Box) action space, but "
        f"env.gym_id={gym_id} has {space}: pick a Box env, or policy=actor_critic with "
        "algorithm=ppo for discrete actions"
    )


def policy_pairing_problem(cfg: DictConfig) -> str | None:
    """One line when the algorithm class names the policy option(s) it needs
    (``required_policy = "sac_actor_critic"``, or a tuple of options) and ``cfg.policy`` is
    another one."""
    if cfg.get("algorithm") is None or cfg.get("policy") is None:
        return None
    try:
        algorithm_class: Any = get_class(str(cfg.algorithm.get("_target_", "")))
    except Exception:  # an unimportable target fails later with its own message
        return None
    required = getattr(algorithm_class, "required_policy", None)
    if required is None:
        return None
    allowed = (required,) if isinstance(required, str) else tuple(required)
    chosen = option_name(cfg, "policy")
    if chosen in allowed:
        return None
    algorithm = option_name(cfg, "algorithm")
    needs = " or ".join(f"policy={name}" for name in allowed)
    return f"algorithm={algorithm} needs {needs}, got policy={chosen}: add policy={allowed[0]}"


def algorithm_config_problem(cfg: DictConfig) -> str | None:
    """The algorithm class's own one-line check of the composed run (its optional
    ``config_problem(cfg)``, e.g. GRPO's group size against ``env.num_envs``)."""
    if cfg.get("algorithm") is None or cfg.get("env") is None:
        return None
    try:
        algorithm_class: Any = get_class(str(cfg.algorithm.get("_target_", "")))
    except Exception:  # an unimportable target fails later with its own message
        return None
    check = getattr(algorithm_class, "config_problem", None)
    return None if check is None else check(cfg)


def compile_problem(cfg: DictConfig) -> str | None:
    """One line when ``runtime.compile`` asks the algorithm class for a mode it does not
    run (its ``compile_modes``)."""
    from embodichain_rl.algorithms.base import unsupported_compile_mode

    mode = str(cfg.get("runtime", {}).get("compile", "none"))
    if mode in ("none", "auto") or cfg.get("algorithm") is None:
        return None
    try:
        algorithm_class: Any = get_class(str(cfg.algorithm.get("_target_", "")))
    except Exception:  # an unimportable target fails later with its own message
        return None
    supported = tuple(getattr(algorithm_class, "compile_modes", ("none",)))
    if mode in supported:
        return None
    return unsupported_compile_mode(algorithm_class.__name__, mode, supported)
