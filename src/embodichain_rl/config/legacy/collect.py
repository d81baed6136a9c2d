"""What a translation collects: the group options, the dotted values, the ignored paths and the
problems, with the checks every section applies when it sets a value."""

from __future__ import annotations

import difflib
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from embodichain_rl.config.legacy.reader import Problems, plain, type_problem

Item = tuple[str, Any, str]
"""A legacy key, its value and its path in the file (``trainer.num_envs``)."""


@dataclass
class Translation:
    """What a legacy config means here: group options, dotted field values, ignored paths."""

    source: Path
    choices: dict[str, str] = field(default_factory=dict)
    """Group -> option (``env`` -> ``push_cube``)."""
    values: dict[str, Any] = field(default_factory=dict)
    """Dotted config key -> plain JSON value, in file order."""
    ignored: list[str] = field(default_factory=list)
    """``file: path`` of every key with no counterpart here."""


def schema_fields(schema: type, *, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """Public field name -> type hint of a schema dataclass."""
    hints = typing.get_type_hints(schema)
    return {n: hints[n] for n in hints if not n.startswith("_") and n not in set(exclude)}


def schema_default(schema: type, name: str) -> Any:
    """The declared default of field ``name`` of ``schema`` (its factory's value for a list)."""
    for item in schema.__dataclass_fields__.values():  # type: ignore[attr-defined]
        if item.name == name:
            factory = item.default_factory
            return factory() if callable(factory) else item.default
    raise KeyError(name)


class Collector:
    """Collects a ``Translation`` and every problem of the files it reads."""

    def __init__(self, source: Path) -> None:
        self.source = source
        """The train config."""
        self.problems = Problems()
        """Every problem found so far (one ``LegacyConfigError`` at the end)."""
        self.result = Translation(source)
        """The translation so far."""
        self._origin: dict[str, str] = {}

    def unknown(self, file: Path, at: str, key: str, valid: Iterable[str]) -> None:
        """Record an unknown key with a did-you-mean and the valid keys."""
        valid = list(valid)
        close = difflib.get_close_matches(key, valid, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        self.problems.add(file, at, f"unknown key{hint}; valid keys: {', '.join(valid)}")

    def set(self, file: Path, at: str, target: str, value: Any, hint: Any) -> bool:
        """Set config key ``target`` from the value at ``at`` after checking its type and that
        no other key set it; whether it was set."""
        problem = type_problem(value, hint)
        if problem is not None:
            self.problems.add(file, at, problem)
        elif target in self._origin:
            self.problems.add(
                file, at, f"sets {target} again (already set by {self._origin[target]}); keep one"
            )
        else:
            self.result.values[target] = plain(value)
            self._origin[target] = at
            return True
        return False

    def derive(self, at: str, target: str, value: Any) -> None:
        """Set ``target`` to a value computed from the key at ``at`` (already checked)."""
        self.set(self.source, at, target, value, Any)

    def has(self, target: str) -> bool:
        """Whether ``target`` was set."""
        return target in self._origin

    def ignore(self, file: Path, at: str) -> None:
        """List ``at`` of ``file`` in the one warning of ignored keys."""
        self.result.ignored.append(f"{file.name}: {at}")

    def checked(self, file: Path, at: str, value: Any, hint: Any) -> bool:
        """Whether ``value`` has type ``hint`` (recording the problem when not)."""
        problem = type_problem(value, hint)
        if problem is not None:
            self.problems.add(file, at, problem)
        return problem is None
