"""Environment registry: ``@register_env`` records a class here and in Gymnasium."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import gymnasium as gym

from embodichain_rl.envs.base import EmbodiedEnv
from embodichain_rl.utils.registry import unknown_name_message

EnvT = TypeVar("EnvT", bound=type[EmbodiedEnv])

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EnvSpec:
    """What ``register_env`` recorded for one id."""

    env_id: str
    env_class: type[EmbodiedEnv]
    max_episode_steps: int | None


_REGISTRY: dict[str, EnvSpec] = {}


class EnvRegistryError(ValueError):
    """An env id is unknown or registered twice."""


def register_env(
    env_id: str, *, max_episode_steps: int | None = None, override: bool = False
) -> Callable[[EnvT], EnvT]:
    """Class decorator registering a batched env under ``env_id``.

    ``max_episode_steps`` becomes the env's time limit (``truncated`` fires when an episode
    reaches it) unless ``make_env`` is given another. The id is also registered with
    Gymnasium, so ``gymnasium.make(env_id)`` gives a single-env ``gymnasium.Env`` and
    ``gymnasium.make_vec(env_id, num_envs=N)`` a numpy ``VectorEnv``. Registering an id twice
    is an error unless ``override=True``, which replaces the earlier class.
    """

    def decorator(env_class: EnvT) -> EnvT:
        if env_id in _REGISTRY and not override:
            raise EnvRegistryError(
                f"env id {env_id!r} is already registered to "
                f"{_REGISTRY[env_id].env_class.__qualname__}; pass override=True to replace it"
            )
        _REGISTRY[env_id] = EnvSpec(env_id, env_class, max_episode_steps)
        _register_with_gymnasium(env_id, max_episode_steps)
        return env_class

    return decorator


_SINGLE_ENTRY_POINT = "embodichain_rl.envs.gym_export:make_single_gym_env"
_VECTOR_ENTRY_POINT = "embodichain_rl.envs.gym_export:make_vector_gym_env"


def _register_with_gymnasium(env_id: str, max_episode_steps: int | None) -> None:
    """Point Gymnasium's ``env_id`` at the bridges in ``gym_export`` (replacing any earlier one).

    The limit is recorded in Gymnasium's spec so ``gymnasium.spec(env_id).max_episode_steps``
    reports it; ``make_vec`` passes it to the env, ``make`` wraps its ``TimeLimit`` with it
    around an env truncating itself at the same step (see ``gym_export``).
    """
    previous = gym.registry.get(env_id)
    if previous is not None:
        if previous.entry_point != _SINGLE_ENTRY_POINT:
            logger.warning(
                "env id %r replaces Gymnasium's own registration (entry point %s)",
                env_id,
                previous.entry_point,
            )
        del gym.registry[env_id]
    gym.register(
        id=env_id,
        entry_point=_SINGLE_ENTRY_POINT,
        vector_entry_point=_VECTOR_ENTRY_POINT,
        kwargs={"env_id": env_id},
        max_episode_steps=max_episode_steps,
    )


def registered_envs() -> list[str]:
    """Ids registered with ``register_env``, sorted."""
    return sorted(_REGISTRY)


def get_env_spec(env_id: str) -> EnvSpec:
    """Look up an id, with a did-you-mean listing the registered ones when unknown."""
    try:
        return _REGISTRY[env_id]
    except KeyError:
        raise EnvRegistryError(unknown_name_message("env id", env_id, _REGISTRY)) from None


def make_env(
    env_id: str,
    *,
    num_envs: int = 1,
    device: str | Any = "cpu",
    max_episode_steps: int | None = None,
    **kwargs: Any,
) -> EmbodiedEnv:
    """Build a registered env: ``num_envs`` batched on ``device``.

    ``max_episode_steps`` overrides the registered time limit; remaining keyword arguments go
    to the env class.
    """
    spec = get_env_spec(env_id)
    limit = max_episode_steps if max_episode_steps is not None else spec.max_episode_steps
    if limit is not None:
        kwargs["max_episode_steps"] = limit
    return spec.env_class(num_envs=num_envs, device=device, **kwargs)
