"""Policy registry: ``@register_policy("name")`` makes a class reachable by name."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import TypeVar

from embodichain_rl.policies.base import Policy

PolicyT = TypeVar("PolicyT", bound=type[Policy])

_REGISTRY: dict[str, type[Policy]] = {}


class PolicyRegistryError(ValueError):
    """A policy name is unknown or registered twice."""


def register_policy(name: str, *, override: bool = False) -> Callable[[PolicyT], PolicyT]:
    """Class decorator registering a ``Policy`` subclass under ``name``.

    Registering a name twice is an error unless ``override=True``, which replaces the
    earlier class.
    """

    def decorator(policy_class: PolicyT) -> PolicyT:
        if not (isinstance(policy_class, type) and issubclass(policy_class, Policy)):
            raise PolicyRegistryError(
                f"@register_policy({name!r}) expects a Policy subclass, got {policy_class!r}"
            )
        if name in _REGISTRY and _REGISTRY[name] is not policy_class and not override:
            raise PolicyRegistryError(
                f"policy {name!r} is already registered to {_REGISTRY[name].__qualname__}; "
                "pass override=True to replace it"
            )
        _REGISTRY[name] = policy_class
        return policy_class

    return decorator


def registered_policies() -> list[str]:
    """Names registered with ``register_policy``, sorted."""
    return sorted(_REGISTRY)


def get_policy_class(name: str) -> type[Policy]:
    """Look up a policy class, with a did-you-mean listing the registered names."""
    try:
        return _REGISTRY[name]
    except KeyError:
        close = difflib.get_close_matches(name, _REGISTRY, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise PolicyRegistryError(
            f"unknown policy {name!r}; registered: {registered_policies()}.{hint}"
        ) from None
