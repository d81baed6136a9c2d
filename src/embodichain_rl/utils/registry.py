"""Name → class registries behind ``@register_policy`` and ``@register_algo``."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T")
ClassT = TypeVar("ClassT", bound=type)


def unknown_name_message(kind: str, name: str, registered: Iterable[str]) -> str:
    """``unknown <kind> 'x'; registered: [...]. Did you mean 'y'?``"""
    names = sorted(registered)
    close = difflib.get_close_matches(name, names, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return f"unknown {kind} {name!r}; registered: {names}.{hint}"


class ClassRegistry(Generic[T]):
    """Classes deriving from ``base``, by name; errors are raised as ``error``."""

    def __init__(self, *, kind: str, base: type[T], error: type[ValueError]) -> None:
        self.kind = kind
        self.base = base
        self.error = error
        self._classes: dict[str, type[T]] = {}

    def decorator(self, name: str, *, override: bool = False) -> Callable[[ClassT], ClassT]:
        """A class decorator registering its class under ``name``; a second class under
        the same name is an error unless ``override=True``, which replaces the first."""

        def register(cls: ClassT) -> ClassT:
            if not (isinstance(cls, type) and issubclass(cls, self.base)):
                raise self.error(
                    f"registering {self.kind} {name!r} expects a {self.base.__name__} "
                    f"subclass, got {cls!r}"
                )
            known = self._classes.get(name)
            if known is not None and known is not cls and not override:
                raise self.error(
                    f"{self.kind} {name!r} is already registered to {known.__qualname__}; "
                    "pass override=True to replace it"
                )
            self._classes[name] = cls
            return cls

        return register

    def names(self) -> list[str]:
        """Registered names, sorted."""
        return sorted(self._classes)

    def get(self, name: str) -> type[T]:
        """The class registered under ``name``; unknown names list the registered ones."""
        try:
            return self._classes[name]
        except KeyError:
            raise self.error(unknown_name_message(self.kind, name, self._classes)) from None
