"""Policy registry: ``@register_policy("name")`` makes a class reachable by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from embodichain_rl.policies.base import Policy
from embodichain_rl.utils.registry import ClassRegistry

PolicyT = TypeVar("PolicyT", bound=type[Policy])


class PolicyRegistryError(ValueError):
    """A policy name is unknown or registered twice."""


_POLICIES: ClassRegistry[Policy] = ClassRegistry(
    kind="policy", base=Policy, error=PolicyRegistryError
)


def register_policy(name: str, *, override: bool = False) -> Callable[[PolicyT], PolicyT]:
    """Class decorator registering a ``Policy`` subclass under ``name``.

    Registering a name twice is an error unless ``override=True``, which replaces the
    earlier class.
    """
    return _POLICIES.decorator(name, override=override)


def registered_policies() -> list[str]:
    """Names registered with ``register_policy``, sorted."""
    return _POLICIES.names()


def get_policy_class(name: str) -> type[Policy]:
    """Look up a policy class, with a did-you-mean listing the registered names."""
    return _POLICIES.get(name)
