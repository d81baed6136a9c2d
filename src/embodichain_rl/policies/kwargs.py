"""Keyword arguments -> a config dataclass, with one clear line for an unknown name."""

from __future__ import annotations

import difflib
from dataclasses import fields
from typing import Any, TypeVar

ConfigT = TypeVar("ConfigT")


def config_from_kwargs(schema: type[ConfigT], owner: str, kwargs: dict[str, Any]) -> ConfigT:
    """``schema(**kwargs)`` (a dataclass, so its defaults fill the rest); an unknown keyword
    raises ``TypeError`` naming it, the closest valid name and every valid one."""
    valid = [f.name for f in fields(schema)]  # type: ignore[arg-type]
    unknown = [key for key in kwargs if key not in valid]
    if unknown:
        key = unknown[0]
        close = difflib.get_close_matches(key, valid, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise TypeError(f"{owner}: unknown keyword {key!r}{hint}; valid: {', '.join(valid)}")
    return schema(**kwargs)
