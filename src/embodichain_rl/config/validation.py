"""Checks a composed config before anything is built: one error naming every bad key."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from embodichain_rl.config.errors import ConfigError, did_you_mean

__all__ = ["ConfigError", "validate_config"]

SECTIONS = ("runtime", "eval", "checkpoint", "logging", "env", "policy", "algorithm")
"""Sections checked one by one, so a range error names its section."""


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
                    hint = did_you_mean(str(key), valid)
                    problems.append(
                        f"{path}{key}: unknown key for {schema.__name__}{hint}; "
                        f"valid keys: {', '.join(valid)}"
                    )
        for key in node:
            problems += _unknown_keys(node._get_node(key), f"{path}{key}.")
    elif isinstance(node, ListConfig) and not node._is_none():  # a null Optional[list]
        for index, item in enumerate(node):
            problems += _unknown_keys(item, f"{path}{index}.")
    return problems


_SCHEMA_PREFIX = re.compile(r"^invalid [\w ]+ config: ")
"""How a schema's own check starts its message (``invalid PPO config: ...``)."""


_FIELD_WORD = re.compile(r"^([A-Za-z_]\w*)(?=[ =])")
"""The word a message part starts with, when followed by a space or ``=``."""


def _field_word(part: str) -> str | None:
    match = _FIELD_WORD.match(part)
    return match.group(1) if match else None


def _dotted(message: str, path: str, schema: type) -> str:
    """A schema check's message with every field it names written as the dotted key the
    user types: ``invalid env config: num_envs must be >= 1, got 0`` at ``env`` becomes
    ``env.num_envs must be >= 1, got 0``; a message naming no field is prefixed ``path:``."""
    names = {f.name for f in dataclasses.fields(schema)}
    parts = _SCHEMA_PREFIX.sub("", message).split("; ")
    named = [f"{path}.{part}" if _field_word(part) in names else part for part in parts]
    text = "; ".join(named)
    return text if named[0] != parts[0] else f"{path}: {text}"


def _node_problems(node: DictConfig, path: str) -> list[str]:
    """Problems of the structured ``node`` at ``path``: its nested structured nodes first
    (so a message names the innermost key), then the node's own ``__post_init__``."""
    problems: list[str] = []
    for key in node:
        child = node._get_node(key)
        if isinstance(child, DictConfig) and _structured_type(child) is not None:
            problems += _node_problems(child, f"{path}.{key}")
    if problems:
        return problems
    try:
        OmegaConf.to_object(node)
    except (OmegaConfBaseException, ValueError, TypeError) as error:
        schema = _structured_type(node)
        assert schema is not None
        message = str(error).strip().splitlines()[0]
        problems.append(_dotted(message, path, schema))
    return problems


def _section_problems(cfg: DictConfig) -> list[str]:
    problems: list[str] = []
    for section in SECTIONS:
        node = cfg.get(section)
        if isinstance(node, DictConfig) and _structured_type(node) is not None:
            problems += _node_problems(node, section)
    return problems


def _rollout_problems(typed: Any) -> list[str]:
    """Cross-section checks of the algorithm against the rollout (``rollout_steps`` x
    ``env.num_envs``), e.g. a minibatch larger than the rollout: the algorithm config's
    ``rollout_problems(num_steps, num_envs)`` where it offers one, else the ``ValueError``
    of its ``minibatch_size(num_steps, num_envs)``."""
    num_envs = getattr(typed.env, "num_envs", None)
    if num_envs is None:
        return []
    steps = typed.runtime.rollout_steps
    check = getattr(typed.algorithm, "rollout_problems", None)
    if check is not None:
        schema = type(typed.algorithm)
        return [
            p if p.startswith("algorithm.") else _dotted(p, "algorithm", schema)
            for p in check(steps, num_envs)
        ]
    size = getattr(typed.algorithm, "minibatch_size", None)
    if size is None:
        return []
    try:
        size(steps, num_envs)
    except ValueError as error:
        # "PPO batch_size=... exceeds ..." -> "algorithm.batch_size=... exceeds ..."
        message = re.sub(r"^\w+ (?=\w+=)", "", str(error))
        return [_dotted(message, "algorithm", type(typed.algorithm))]
    return []


def validate_config(cfg: DictConfig) -> Any:
    """Fail on missing values, keys no schema declares (``+key=...``), values a schema's own
    checks reject and budgets that do not fit together (one :class:`ConfigError` naming
    every problem); return the typed config object (dataclass instances)."""
    problems = [f"{key}: missing value (???); set it" for key in OmegaConf.missing_keys(cfg)]
    problems += _unknown_keys(cfg, "")
    if not problems:
        problems += _section_problems(cfg)
    if problems:
        raise ConfigError(_format(problems))
    try:
        typed = OmegaConf.to_object(cfg)
    except (OmegaConfBaseException, ValueError, TypeError) as error:
        raise ConfigError(f"invalid configuration: {error}") from error
    problems = _rollout_problems(typed)
    if problems:
        raise ConfigError(_format(problems))
    return typed


def _format(problems: list[str]) -> str:
    if len(problems) == 1:
        return f"invalid configuration: {problems[0]}"
    return "invalid configuration:\n  - " + "\n  - ".join(problems)
