"""Algorithm registry: ``@register_algo("name")`` makes a class reachable by name."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import TypeVar

from embodichain_rl.algorithms.base import BaseAlgorithm

AlgoT = TypeVar("AlgoT", bound=type[BaseAlgorithm])

_REGISTRY: dict[str, type[BaseAlgorithm]] = {}


class AlgoRegistryError(ValueError):
    """An algorithm name is unknown or registered twice."""


def register_algo(name: str, *, override: bool = False) -> Callable[[AlgoT], AlgoT]:
    """Class decorator registering a ``BaseAlgorithm`` subclass under ``name``.

    Registering a name twice is an error unless ``override=True``, which replaces the
    earlier class.
    """

    def decorator(algo_class: AlgoT) -> AlgoT:
        if not (isinstance(algo_class, type) and issubclass(algo_class, BaseAlgorithm)):
            raise AlgoRegistryError(
                f"@register_algo({name!r}) expects a BaseAlgorithm subclass, got {algo_class!r}"
            )
        if name in _REGISTRY and _REGISTRY[name] is not algo_class and not override:
            raise AlgoRegistryError(
                f"algorithm {name!r} is already registered to {_REGISTRY[name].__qualname__}; "
                "pass override=True to replace it"
            )
        _REGISTRY[name] = algo_class
        return algo_class

    return decorator


def registered_algos() -> list[str]:
    """Names registered with ``register_algo``, sorted."""
    return sorted(_REGISTRY)


def get_algo_class(name: str) -> type[BaseAlgorithm]:
    """Look up an algorithm class, with a did-you-mean listing the registered names."""
    try:
        return _REGISTRY[name]
    except KeyError:
        close = difflib.get_close_matches(name, _REGISTRY, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise AlgoRegistryError(
            f"unknown algorithm {name!r}; registered: {registered_algos()}.{hint}"
        ) from None
