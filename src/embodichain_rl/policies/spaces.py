"""What a policy must know about an env's spaces, as plain constructor keywords."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from embodichain_rl.utils.observations import observation_shapes


def action_nvec(space: gym.Space[Any]) -> list[int] | None:
    """Choices per action component of a single-env action space: ``[n]`` for
    ``Discrete(n)``, the flattened ``nvec`` for ``MultiDiscrete``, ``None`` for ``Box``;
    any other space raises ``ValueError`` naming it."""
    if isinstance(space, gym.spaces.Box):
        return None
    if isinstance(space, gym.spaces.Discrete):
        return [int(space.n)]
    if isinstance(space, gym.spaces.MultiDiscrete):
        return [int(n) for n in np.asarray(space.nvec).reshape(-1)]
    raise ValueError(f"policies support Box, Discrete or MultiDiscrete action spaces, got {space}")


def policy_space_kwargs(env: Any) -> dict[str, Any]:
    """``obs_dim``, ``action_dim`` and ``action_nvec`` of ``env`` (an ``EmbodiedEnv``), the
    keywords the composition root passes when it instantiates a policy config:
    ``instantiate(cfg.policy, **policy_space_kwargs(env), _convert_="all")``.
    ``action_nvec`` is ``None`` for continuous actions (plain values, so they merge into a
    Hydra config). A dict observation space gives ``obs_dim=None`` and ``obs_shapes``
    (``{key: [single shape]}``); a flat one has no ``obs_shapes`` key."""
    nvec = action_nvec(env.single_action_space)
    shapes = observation_shapes(env.single_observation_space)
    obs: dict[str, Any] = (
        {"obs_dim": int(env.obs_dim)} if shapes is None else {"obs_dim": None, "obs_shapes": shapes}
    )
    return {
        **obs,
        "action_dim": int(env.action_dim) if nvec is None else len(nvec),
        "action_nvec": nvec,
    }


ACTION_BOUND_KEYS = ("action_low", "action_high")
"""The spec keys a policy with ``accepts_action_bounds = True`` is built with."""


def action_bounds_kwargs(env: Any) -> dict[str, list[float] | None]:
    """``action_low`` / ``action_high`` of ``env``'s single ``Box`` action space, flattened
    to plain float lists (``None`` for a discrete space; an infinite bound stays ``inf`` so
    the policy can refuse it with its own message)."""
    space = env.single_action_space
    if not isinstance(space, gym.spaces.Box):
        return {"action_low": None, "action_high": None}
    return {
        "action_low": [float(v) for v in np.asarray(space.low, dtype=np.float64).reshape(-1)],
        "action_high": [float(v) for v in np.asarray(space.high, dtype=np.float64).reshape(-1)],
    }


def accepts_action_bounds(policy_class: type) -> bool:
    """Whether ``policy_class`` is built with ``action_low`` / ``action_high`` (it says so
    with a class attribute ``accepts_action_bounds = True``)."""
    return bool(getattr(policy_class, "accepts_action_bounds", False))


VOCABULARY_KEY = "instruction_vocabulary"
"""The spec key a policy with ``accepts_instruction_vocabulary = True`` is built with."""


def instruction_vocabulary_kwargs(env: Any) -> dict[str, list[str] | None]:
    """``instruction_vocabulary``: the words of ``env``'s instruction ids (a
    language-conditioned env's ``instruction_vocabulary``), ``None`` for any other env."""
    words = getattr(env, "instruction_vocabulary", None)
    return {VOCABULARY_KEY: None if words is None else [str(w) for w in words]}


def accepts_instruction_vocabulary(policy_class: type) -> bool:
    """Whether ``policy_class`` is built with ``instruction_vocabulary`` (its class
    attribute ``accepts_instruction_vocabulary = True`` says so)."""
    return bool(getattr(policy_class, "accepts_instruction_vocabulary", False))
