"""Legacy names to Hydra group options: env ids, policy and algorithm registry names."""

from __future__ import annotations

import difflib
import importlib
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
from hydra.utils import get_class

from embodichain_rl.algorithms import AlgoRegistryError, get_algo_class
from embodichain_rl.config.legacy.collect import schema_default
from embodichain_rl.config.schema import GROUP_SCHEMAS
from embodichain_rl.envs import (
    CartPoleEnv,
    PointMassEnv,
    PushCubeEnv,
    PushCubeMuJoCoEnv,
    get_env_spec,
    registered_envs,
)
from embodichain_rl.policies import get_policy_class
from embodichain_rl.policies.registry import PolicyRegistryError

PUSH_CUBE_OPTION = "push_cube"
"""The env option built-in and user ``PushCubeEnv`` subclasses run through."""

ENV_OPTION_OF_CLASS: dict[str, type] = {
    PUSH_CUBE_OPTION: PushCubeEnv,
    "push_cube_mujoco": PushCubeMuJoCoEnv,
    "cart_pole": CartPoleEnv,
    "point_mass": PointMassEnv,
}
"""Env options with their own schema, by the env class (or base class) they build."""

GYM_OPTION = "gym"
"""The env option any other id runs through (Gymnasium's own vectorisation)."""


@dataclass(frozen=True)
class Choice:
    """A group option plus the values the name implies (an id, a ``_target_``)."""

    option: str
    values: dict[str, Any] = field(default_factory=dict)


class UnresolvedName(ValueError):
    """A legacy name resolves to no option; the message lists what is valid."""


def import_modules(modules: list[str]) -> list[tuple[int, str]]:
    """Import user modules (they register envs, policies, algorithms); (index, why) failures."""
    failures: list[tuple[int, str]] = []
    for index, name in enumerate(modules):
        try:
            importlib.import_module(name)
        except Exception as error:  # any import-time failure is the user's to fix
            failures.append(
                (
                    index,
                    f"cannot import {name!r} ({type(error).__name__}: {error}); give a module "
                    "importable from the working directory or PYTHONPATH",
                )
            )
    return failures


def resolve_env(env_id: str) -> Choice:
    """``PushCubeRL`` / ``PushCubeMuJoCo`` / ``CartPoleRL`` / ``PointMassRL`` (or a registered
    subclass) -> ``push_cube`` / ``push_cube_mujoco`` / ``cart_pole`` / ``point_mass``; any
    other registered or Gymnasium id -> ``gym`` with ``gym_id``."""
    if env_id in registered_envs():
        env_class = get_env_spec(env_id).env_class
        for option, base in ENV_OPTION_OF_CLASS.items():
            if issubclass(env_class, base):
                if env_id == schema_default(GROUP_SCHEMAS["env"][option], "env_id"):
                    return Choice(option)
                return Choice(option, {"env_id": env_id})
        return Choice(GYM_OPTION, {"gym_id": env_id})
    try:
        gym.spec(env_id)
    except gym.error.Error:
        close = difflib.get_close_matches(env_id, [*registered_envs(), *gym.registry], n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UnresolvedName(
            f"unknown env id {env_id!r}{hint}; valid: an id registered with @register_env "
            f"({', '.join(registered_envs())}) or any Gymnasium id (e.g. Pendulum-v1)"
        ) from None
    return Choice(GYM_OPTION, {"gym_id": env_id})


def _lookup(group: str, name: str) -> type:
    try:
        return get_policy_class(name) if group == "policy" else get_algo_class(name)
    except (PolicyRegistryError, AlgoRegistryError) as error:
        decorator = "register_policy" if group == "policy" else "register_algo"
        raise UnresolvedName(
            f"{error} Register your own with @{decorator} in a module named in runtime.imports."
        ) from None


def resolve_class(group: str, name: str) -> Choice:
    """A registered policy/algorithm name -> the option whose built class it is or derives
    from; a subclass keeps that option's schema and only replaces ``_target_``."""
    registered = _lookup(group, name)
    bases: dict[str, type] = {
        option: get_class(schema_default(schema, "_target_"))
        for option, schema in GROUP_SCHEMAS[group].items()
    }
    for option, base in bases.items():
        if registered is base:
            return Choice(option)
    for option, base in bases.items():
        if issubclass(registered, base):
            target = f"{registered.__module__}.{registered.__qualname__}"
            return Choice(option, {"_target_": target})
    built = ", ".join(f"{option} -> {base.__qualname__}" for option, base in bases.items())
    raise UnresolvedName(
        f"{name!r} is registered to {registered.__qualname__}, which derives from no class a "
        f"{group} option builds ({built}); subclass one of them or add a Hydra {group} option"
    )
