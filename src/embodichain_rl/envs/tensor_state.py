"""Save and restore a batched env's tensor attributes (its ``state_dict`` /
``load_state_dict``): each attribute under its name without the leading underscore
(``_seed_key`` -> ``seed_key``), every key and shape checked before anything is written."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch


def state_name(attribute: str) -> str:
    """The state key of ``attribute`` (its name without leading underscores)."""
    return attribute.lstrip("_")


def save_tensors(owner: object, attributes: tuple[str, ...]) -> dict[str, torch.Tensor]:
    """Detached copies of ``owner``'s tensor ``attributes``, keyed by ``state_name``."""
    return {state_name(key): getattr(owner, key).detach().clone() for key in attributes}


def shape_problems(expected: Mapping[str, tuple[int, ...]], saved: Mapping[str, Any]) -> list[str]:
    """A message for every ``expected`` key ``saved`` lacks or holds in another shape."""
    problems = [f"missing {name}" for name in expected if name not in saved]
    problems += [
        f"{name}: saved shape {tuple(saved[name].shape)}, env shape {shape}"
        for name, shape in expected.items()
        if name in saved and tuple(saved[name].shape) != shape
    ]
    return problems


def tensor_shapes(owner: object, attributes: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    """State key -> shape of each of ``owner``'s tensor ``attributes``."""
    return {state_name(key): tuple(getattr(owner, key).shape) for key in attributes}


def raise_state_problems(env_name: str, problems: list[str]) -> None:
    """One ``ValueError`` naming every problem of a saved state (nothing when empty)."""
    if problems:
        raise ValueError(f"{env_name} state does not fit this env: " + "; ".join(problems))


def restore_tensors(owner: object, attributes: tuple[str, ...], state: Mapping[str, Any]) -> None:
    """Set each of ``owner``'s ``attributes`` to a copy of its saved tensor, on the
    attribute's device and in its dtype (call after checking with ``shape_problems``)."""
    for key in attributes:
        current = getattr(owner, key)
        setattr(owner, key, state[state_name(key)].to(current.device, current.dtype).clone())


def load_tensors(owner: object, attributes: tuple[str, ...], state: Mapping[str, Any]) -> None:
    """Restore ``owner``'s ``attributes`` from ``save_tensors``' output; a missing key or a
    shape that differs raises one ``ValueError`` listing every problem, before any write."""
    problems = shape_problems(tensor_shapes(owner, attributes), state)
    raise_state_problems(type(owner).__name__, problems)
    restore_tensors(owner, attributes, state)
