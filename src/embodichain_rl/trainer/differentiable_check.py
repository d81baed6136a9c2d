"""Refuse, before anything is built, an algorithm that backpropagates through the env
(``requires_differentiable_env``, e.g. APG) paired with an env class that is not a
``DifferentiableEnv``, or with a policy option it cannot sample gradients from."""

from __future__ import annotations

from typing import Any

from hydra.utils import get_class
from omegaconf import DictConfig

MAKE_ENV_TARGET = "embodichain_rl.envs.make_env"
"""The env target that builds a registered id (``env_id``)."""


def _option_of(group: str, target: str) -> str:
    """The group option whose schema has ``_target_ == target`` (else the target itself)."""
    from embodichain_rl.config.schema import GROUP_SCHEMAS

    for name, schema in GROUP_SCHEMAS[group].items():
        if getattr(schema, "_target_", None) == target:
            return name
    return target


def _env_class(env_cfg: DictConfig) -> tuple[type | None, str]:
    """The env class ``env_cfg`` builds (``None`` when it cannot be told without building
    it) and how to name it in a message."""
    from embodichain_rl.envs.registry import EnvRegistryError, get_env_spec

    target = str(env_cfg.get("_target_", ""))
    if target == MAKE_ENV_TARGET:
        env_id = str(env_cfg.get("env_id", ""))
        try:
            return get_env_spec(env_id).env_class, f"env.env_id={env_id}"
        except EnvRegistryError:  # an unknown id fails later with its own message
            return None, env_id
    try:
        found: Any = get_class(target)
    except Exception:  # an unimportable target fails later with its own message
        return None, target
    return (found if isinstance(found, type) else None), f"env={_option_of('env', target)}"


def differentiable_problem(cfg: DictConfig) -> str | None:
    """One line when ``cfg.algorithm``'s class needs a differentiable env and ``cfg.env``
    builds another, or names the policy options it supports and ``cfg.policy`` is none."""
    if cfg.get("algorithm") is None or cfg.get("env") is None or cfg.get("policy") is None:
        return None
    target = str(cfg.algorithm.get("_target_", ""))
    try:
        algorithm_class: Any = get_class(target)
    except Exception:  # an unimportable target fails later with its own message
        return None
    if not getattr(algorithm_class, "requires_differentiable_env", False):
        return None
    from embodichain_rl.envs.differentiable import is_differentiable

    algorithm = f"algorithm={_option_of('algorithm', target)}"
    env_class, env_name = _env_class(cfg.env)
    if env_class is not None and not is_differentiable(env_class):
        return (
            f"{algorithm} needs a differentiable env (embodichain_rl.envs.DifferentiableEnv), "
            f"but {env_name} builds {env_class.__name__}: use env=point_mass"
        )
    supported = tuple(getattr(algorithm_class, "supported_policies", ()))
    policy = _option_of("policy", str(cfg.policy.get("_target_", "")))
    if supported and policy not in supported:
        return (
            f"{algorithm} needs a policy whose sampled actions carry gradients, one of "
            f"{list(supported)}; got policy={policy}: add policy={supported[0]}"
        )
    return None
