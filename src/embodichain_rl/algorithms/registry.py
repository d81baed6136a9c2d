"""Algorithm registry: ``@register_algo("name")`` makes a class reachable by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from embodichain_rl.algorithms.base import BaseAlgorithm
from embodichain_rl.utils.registry import ClassRegistry

AlgoT = TypeVar("AlgoT", bound=type[BaseAlgorithm])


class AlgoRegistryError(ValueError):
    """An algorithm name is unknown or registered twice."""


_ALGORITHMS: ClassRegistry[BaseAlgorithm] = ClassRegistry(
    kind="algorithm", base=BaseAlgorithm, error=AlgoRegistryError
)


def register_algo(name: str, *, override: bool = False) -> Callable[[AlgoT], AlgoT]:
    """Class decorator registering a ``BaseAlgorithm`` subclass under ``name``.

    Registering a name twice is an error unless ``override=True``, which replaces the
    earlier class.
    """
    return _ALGORITHMS.decorator(name, override=override)


def registered_algos() -> list[str]:
    """Names registered with ``register_algo``, sorted."""
    return _ALGORITHMS.names()


def get_algo_class(name: str) -> type[BaseAlgorithm]:
    """Look up an algorithm class, with a did-you-mean listing the registered names."""
    return _ALGORITHMS.get(name)
