"""Observations as one flat tensor or a dict of named tensors, handled alike.

A flat-vector env's observation is a float32 tensor ``[N, D]`` (its single space a ``Box``).
A dict env's observation is ``{key: tensor [N, *shape]}`` (its single space a
``gymnasium.spaces.Dict`` of ``Box`` spaces): an *image* key has a 3-D single shape
``[C, H, W]`` (``uint8`` colour, or float depth), a *vector* key a 1-D one ``[D]`` (float32,
or int64 for token ids such as an instruction). Every
helper here keeps the structure and touches no host value, so it can sit in a rollout loop.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

import gymnasium as gym
import numpy as np
import torch

Observation: TypeAlias = torch.Tensor | dict[str, torch.Tensor]
"""One flat tensor ``[N, D]`` or a dict of named tensors ``[N, *shape]``."""

ObservationLayout: TypeAlias = int | gym.spaces.Dict
"""What storage for one env's observation needs: the flat length ``D`` of a ``Box`` env, or
the single-env ``Dict`` space of a dict env (see :func:`observation_layout`)."""

ObservationShapes: TypeAlias = dict[str, list[int]]
"""Single-env shape of every key of a dict observation (plain lists, Hydra-mergeable)."""

PRIVILEGED_KEY = "privileged"
"""The dict key holding the full simulator state, meant for a critic only (asymmetric
actor-critic); an actor reads it only when its config names it."""


def is_image_shape(shape: tuple[int, ...] | list[int]) -> bool:
    """Whether a single-env shape is an image ``[C, H, W]`` (a vector is ``[D]``)."""
    return len(shape) == 3


def observation_shapes(space: gym.Space[Any]) -> ObservationShapes | None:
    """Per-key single shapes of a ``Dict`` observation space; ``None`` for a flat ``Box``.
    Keys whose space is neither an image nor a vector ``Box`` raise ``ValueError`` naming
    them."""
    if not isinstance(space, gym.spaces.Dict):
        return None
    shapes: ObservationShapes = {}
    for key, sub in space.spaces.items():
        if not isinstance(sub, gym.spaces.Box) or len(sub.shape) not in (1, 3):
            raise ValueError(
                f"observation key {key!r}: expected a Box of shape [D] or [C, H, W], got {sub}"
            )
        shapes[str(key)] = [int(size) for size in sub.shape]
    return shapes


def image_keys(shapes: Mapping[str, list[int]]) -> list[str]:
    """The image keys of ``shapes``, in order."""
    return [key for key, shape in shapes.items() if is_image_shape(shape)]


def vector_keys(shapes: Mapping[str, list[int]]) -> list[str]:
    """The vector keys of ``shapes``, in order."""
    return [key for key, shape in shapes.items() if not is_image_shape(shape)]


def map_observation(fn: Callable[[torch.Tensor], torch.Tensor], obs: Observation) -> Observation:
    """``fn`` applied to the tensor, or to every value of the dict (same keys)."""
    if isinstance(obs, dict):
        return {key: fn(value) for key, value in obs.items()}
    return fn(obs)


def copy_observation_(destination: Observation, source: Observation) -> None:
    """Copy ``source`` into ``destination`` in place (same structure; shapes broadcast)."""
    if isinstance(destination, dict):
        if not isinstance(source, dict) or source.keys() != destination.keys():
            got = sorted(source) if isinstance(source, dict) else "a tensor"
            raise ValueError(f"observation keys {sorted(destination)} expected, got {got}")
        for key, value in destination.items():
            value.copy_(source[key].reshape(value.shape))
        return
    if isinstance(source, dict):
        raise ValueError(f"a flat observation was expected, got keys {sorted(source)}")
    destination.copy_(source.reshape(destination.shape))


def torch_dtype(space: gym.spaces.Box) -> torch.dtype:
    """The torch element type of a ``Box``: uint8 stays uint8, int64 stays int64 (token ids),
    every other type is float32."""
    kept = {np.dtype(np.uint8): torch.uint8, np.dtype(np.int64): torch.int64}
    return kept.get(np.dtype(space.dtype), torch.float32)


def allocate_observation(
    space: gym.Space[Any] | int, leading: tuple[int, ...], device: torch.device | str
) -> Observation:
    """Zeros shaped ``[*leading, *single_shape]`` for every key of ``space`` (a single-env
    ``Dict`` or ``Box`` space, or a flat length): images keep ``uint8``, int64 keys (token
    ids) keep int64, the rest float32."""
    if isinstance(space, gym.spaces.Dict):
        shapes = observation_shapes(space)
        assert shapes is not None
        return {
            key: torch.zeros(*leading, *shape, dtype=torch_dtype(space[key]), device=device)
            for key, shape in shapes.items()
        }
    size = space if isinstance(space, int) else int(np.prod(space.shape))
    return torch.zeros(*leading, size, device=device)


def observation_layout(env: Any) -> ObservationLayout:
    """The :data:`ObservationLayout` of an ``EmbodiedEnv``: its single ``Dict`` space, else
    its flat observation length."""
    space = env.single_observation_space
    return space if isinstance(space, gym.spaces.Dict) else int(env.obs_dim)


def index_observation(obs: Observation, index: torch.Tensor) -> Observation:
    """Rows ``index`` (a 1-D int64 tensor) of every tensor, gathered along dimension 0."""
    return map_observation(lambda value: value.index_select(0, index), obs)


def merge_time_and_envs(obs: Observation) -> Observation:
    """Every tensor ``[T, N, ...]`` viewed as ``[T * N, ...]`` (no copy)."""
    return map_observation(lambda value: value.reshape(-1, *value.shape[2:]), obs)


def observation_rows(obs: Observation) -> int:
    """The leading (batch) size of an observation."""
    first = next(iter(obs.values())) if isinstance(obs, dict) else obs
    return int(first.shape[0])


def describe_observation_space(space: gym.Space[Any]) -> str:
    """A short human description, e.g. ``{rgb: uint8[3, 64, 64], state: float32[5]}``."""
    if isinstance(space, gym.spaces.Dict):
        parts = [
            f"{key}: {np.dtype(sub.dtype).name}{list(sub.shape)}" for key, sub in space.items()
        ]
        return "{" + ", ".join(parts) + "}"
    return f"{np.dtype(space.dtype).name}{list(space.shape or ())}"
