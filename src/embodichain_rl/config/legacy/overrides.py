"""A ``Translation`` as Hydra command-line overrides (the grammar of ``key=value``)."""

from __future__ import annotations

import math
import re
from typing import Any

from embodichain_rl.config.legacy.translate import Translation

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _quote(text: str) -> str:
    quote = "'" if "'" not in text or '"' in text else '"'
    escaped = re.sub(r"(\\*)" + quote, lambda m: m.group(1) * 2 + "\\" + quote, text)
    trailing = len(escaped) - len(escaped.rstrip("\\"))
    return quote + escaped + "\\" * trailing + quote


def render_value(value: Any) -> str:
    """One JSON value in Hydra's override grammar (strings always quoted)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, list):
        return "[" + ",".join(render_value(item) for item in value) + "]"
    if isinstance(value, dict):
        parts = []
        for key, item in value.items():
            if not _IDENTIFIER.match(key):
                raise ValueError(f"cannot write the mapping key {key!r} as a Hydra override")
            parts.append(f"{key}:{render_value(item)}")
        return "{" + ",".join(parts) + "}"
    raise TypeError(f"not a JSON value: {value!r}")


def to_overrides(translation: Translation) -> list[str]:
    """Group choices first, then one ``key=value`` per field; mapping values use ``++`` (a
    free-form dict such as ``env.env_kwargs`` takes new keys only that way)."""
    overrides = [f"{group}={option}" for group, option in translation.choices.items()]
    for key, value in translation.values.items():
        prefix = "++" if isinstance(value, dict) else ""
        overrides.append(f"{prefix}{key}={render_value(value)}")
    return overrides
