"""Behaviour cloning's checks of a composed run, before anything is built (one line each)."""

from __future__ import annotations

from typing import Any

from embodichain_rl.algorithms.grpo_preflight import env_class_of

EXPERT_METHOD = "demonstration_step"
"""The env method that steps every env with its scripted expert and returns the labels."""


def has_expert(env_class: type) -> bool:
    """Whether ``env_class`` offers a scripted expert (``demonstration_step``)."""
    return callable(getattr(env_class, EXPERT_METHOD, None))


def envs_with_expert() -> list[str]:
    """Registered env ids whose class has a scripted expert, sorted."""
    from embodichain_rl.envs.registry import get_env_spec, registered_envs

    return [name for name in registered_envs() if has_expert(get_env_spec(name).env_class)]


def no_expert_message(env_name: str) -> str:
    """The one line that refuses ``algorithm=bc`` on an env without a scripted expert."""
    return (
        f"algorithm=bc clones a scripted expert, and {env_name} has none (no "
        f"{EXPERT_METHOD}()): use an env with one, env.env_id in {envs_with_expert()} "
        "(e.g. env=push_cube)"
    )


def bc_config_problem(cfg: Any) -> str | None:
    """Why ``cfg`` (a composed train config with ``algorithm=bc``) cannot run, or ``None``:
    an env without a scripted expert, or ``dataset_size`` smaller than one iteration's
    decisions."""
    env_class = env_class_of(cfg.env)
    if env_class is not None and not has_expert(env_class):
        return no_expert_message(env_class.__name__)
    size, num_envs = cfg.algorithm.get("dataset_size"), cfg.env.get("num_envs")
    steps = cfg.get("runtime", {}).get("rollout_steps")
    if size and num_envs is not None and steps is not None:
        per_iteration = int(num_envs) * int(steps)
        if int(size) < per_iteration:
            return (
                f"algorithm.dataset_size={size} holds less than one iteration's "
                f"{per_iteration} decisions (env.num_envs={num_envs} x runtime.rollout_steps="
                f"{steps}): raise it, or 0/null to keep everything"
            )
    return None
