"""Helpers an algorithm config uses for its ``optimizer`` / ``lr_scheduler`` blocks: turn
a mapping (Hydra ``instantiate``, ``asdict``) back into the block's dataclass, and resolve
a block knob against the algorithm's older key for the same setting."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

BlockT = TypeVar("BlockT")


def coerce_block(value: Any, block: type[BlockT], key: str) -> BlockT:
    """``value`` as a ``block`` instance: itself, or ``block(**value)`` for a mapping (an
    unknown key raises ``TypeError`` naming ``key`` and the valid ones)."""
    if isinstance(value, block):
        return value
    if isinstance(value, Mapping):
        valid = [f.name for f in dataclasses.fields(block)]  # type: ignore[arg-type]
        unknown = [str(k) for k in value if k not in valid]
        if unknown:
            raise TypeError(f"{key}.{unknown[0]}: unknown key; valid: {', '.join(valid)}")
        return block(**{str(k): v for k, v in value.items()})
    raise TypeError(f"{key} must be a mapping of {block.__name__} fields, got {value!r}")


def field_default(config_type: type, name: str) -> Any:
    """The declared default of field ``name`` of the dataclass ``config_type``."""
    for item in dataclasses.fields(config_type):
        if item.name == name:
            return item.default
    raise KeyError(name)


def resolve_alias(config: Any, old: str, new_key: str, new_value: Any) -> list[str]:
    """Let the block knob ``new_key`` (given when not ``None``) set the older key ``old`` of
    ``config``; a message when ``old`` was also moved off its default to another value."""
    if new_value is None:
        return []
    current = getattr(config, old)
    if current != field_default(type(config), old) and current != new_value:
        return [
            f"{old}={current} and {new_key}={new_value} set the same thing (the first is its "
            "older key): give only one of them"
        ]
    setattr(config, old, new_value)
    return []
