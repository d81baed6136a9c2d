"""``key=value`` command-line arguments (Hydra style) for the small console scripts."""

from __future__ import annotations

from typing import Any

import yaml


def parse_kv_args(argv: list[str], known: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split ``argv`` into ``(options, overrides)``: ``known`` keys (with their defaults) and
    dotted config overrides such as ``env.control_mode=ee_delta_pos``. Values are parsed as
    YAML scalars (``true``, ``3``, ``0.5``); anything else raises ``SystemExit`` with usage."""
    options = dict(known)
    overrides: dict[str, Any] = {}
    for arg in argv:
        key, sep, raw = arg.partition("=")
        if not sep or not key:
            raise SystemExit(f"expected key=value, got {arg!r}")
        value = yaml.safe_load(raw) if raw else ""
        if key in known:
            options[key] = value
        elif "." in key:
            overrides[key] = value
        else:
            raise SystemExit(f"unknown option {key!r}; options: {', '.join(known)} or dotted keys")
    return options, overrides
