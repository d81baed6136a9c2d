"""GRPO's checks of a composed run, before anything is built (one line each)."""

from __future__ import annotations

from typing import Any

from hydra.utils import get_class

PER_TOKEN_POLICY_PROBLEM = (
    "algorithm.ratio=per_token needs a policy whose action is a product of independent "
    "parts (policy=vla), and {} has none: set algorithm.ratio=joint"
)
"""The line when ``ratio=per_token`` meets a policy without factorised actions."""

MAKE_ENV_TARGET = "embodichain_rl.envs.make_env"
"""The env target that names a registered env id (``env.env_id``)."""


def env_class_of(env_cfg: Any) -> type | None:
    """The env class an ``env`` config builds (a registered id's class, or its
    ``_target_``), or ``None`` when it cannot be told without building it."""
    if str(env_cfg.get("_target_", "")) == MAKE_ENV_TARGET:
        from embodichain_rl.envs.registry import get_env_spec

        try:
            return get_env_spec(str(env_cfg.get("env_id"))).env_class
        except Exception:  # an unknown id fails later with its own message
            return None
    return class_of(env_cfg)


def class_of(node: Any) -> type | None:
    """The class a config node's ``_target_`` names, or ``None`` when it names none."""
    try:
        found = get_class(str(node.get("_target_", "")))
    except Exception:  # an unknown target fails later with its own message
        return None
    return found if isinstance(found, type) else None


def grpo_config_problem(cfg: Any) -> str | None:
    """Why ``cfg`` (a composed train config with ``algorithm=grpo``) cannot run, or ``None``:
    ``env.num_envs`` not a multiple of ``algorithm.group_size``, or ``shared_starts`` on an
    env without start groups."""
    algo, env = cfg.algorithm, cfg.env
    group_size, num_envs = int(algo.group_size), env.get("num_envs")
    if num_envs is not None and int(num_envs) % group_size:
        return (
            f"env.num_envs={num_envs} is not a multiple of algorithm.group_size={group_size}: "
            "GRPO standardises returns within groups of consecutive envs"
        )
    if algo.get("ratio", "joint") == "per_token":
        policy_class = class_of(cfg.policy)
        if policy_class is not None and not getattr(policy_class, "factorised_actions", False):
            return PER_TOKEN_POLICY_PROBLEM.format(policy_class.__name__)
    if not algo.get("shared_starts", False):
        return None
    env_class = env_class_of(env)
    if env_class is not None and not getattr(env_class, "supports_start_groups", False):
        return (
            f"algorithm.shared_starts=true needs an env with shared episode starts, and "
            f"{env_class.__name__} has none: set algorithm.shared_starts=false"
        )
    return None
