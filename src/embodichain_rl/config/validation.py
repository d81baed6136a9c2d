"""Checks a composed config before anything is built: one error naming every bad key."""

from __future__ import annotations

import dataclasses
import difflib
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException


class ConfigError(ValueError):
    """The composed configuration cannot be run; the message names every bad key."""


def _structured_type(node: DictConfig) -> type | None:
    object_type = OmegaConf.get_type(node)
    return object_type if dataclasses.is_dataclass(object_type) else None


def _unknown_keys(node: Any, path: str) -> list[str]:
    problems: list[str] = []
    if isinstance(node, DictConfig):
        schema = _structured_type(node)
        if schema is not None:
            valid = [f.name for f in dataclasses.fields(schema)]
            for key in node:
                if key not in valid:
                    close = difflib.get_close_matches(str(key), valid, n=1)
                    hint = f" (did you mean {close[0]!r}?)" if close else ""
                    problems.append(
                        f"{path}{key}: unknown key for {schema.__name__}{hint}; "
                        f"valid keys: {', '.join(valid)}"
                    )
        for key in node:
            problems += _unknown_keys(node._get_node(key), f"{path}{key}.")
    elif isinstance(node, ListConfig):
        for index, item in enumerate(node):
            problems += _unknown_keys(item, f"{path}{index}.")
    return problems


def validate_config(cfg: DictConfig) -> Any:
    """Fail on missing values, keys no schema declares (``+key=...``) and values a schema's
    own checks reject; return the typed config object (dataclass instances)."""
    problems = [f"{key}: missing value (???); set it" for key in OmegaConf.missing_keys(cfg)]
    problems += _unknown_keys(cfg, "")
    if problems:
        raise ConfigError("invalid configuration:\n  - " + "\n  - ".join(problems))
    try:
        return OmegaConf.to_object(cfg)
    except (OmegaConfBaseException, ValueError) as error:
        raise ConfigError(f"invalid configuration: {error}") from error
