"""Range checks shared by the run-level config sections (one message per bad field)."""

from __future__ import annotations

from typing import Any


def at_least(config: Any, low: float, *names: str) -> list[str]:
    """``"name: must be >= low, got value"`` for every field of ``names`` below ``low``."""
    return [
        f"{name} must be >= {low}, got {getattr(config, name)}"
        for name in names
        if getattr(config, name) < low
    ]


def one_of(config: Any, name: str, choices: tuple[str, ...]) -> list[str]:
    """A message when field ``name`` is not one of ``choices``."""
    value = getattr(config, name)
    if value in choices:
        return []
    return [f"{name} must be one of {list(choices)}, got {value!r}"]


def raise_problems(section: str, problems: list[str]) -> None:
    """Raise one ``ValueError`` naming every problem of ``section`` (nothing when empty)."""
    if problems:
        raise ValueError(f"invalid {section} config: " + "; ".join(problems))
