"""Reading legacy config files (JSON or YAML): size and nesting guards, duplicate keys, JSON type
checks, problem collection."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from embodichain_rl.config.legacy.parse import (
    YAML_SUFFIXES,
    parse_json,
    parse_yaml,
    yaml_error_text,
)
from embodichain_rl.config.validation import ConfigError


class LegacyConfigError(ConfigError):
    """A legacy config cannot be run; the message lists every problem, one per line."""

    def __init__(self, source: Path, problems: list[str]) -> None:
        self.source = source
        """The train config the problems were found in (or through)."""
        self.problems = list(problems)
        """One line per problem: ``file: json.path: what is wrong; what is valid``."""
        self.kind = "YAML" if source.suffix.lower() in YAML_SUFFIXES else "JSON"
        """The train config's format, as the message names it."""
        count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
        super().__init__(
            f"cannot use legacy {self.kind} config {source} ({count}):\n  - "
            + "\n  - ".join(problems)
        )


@dataclass
class Problems:
    """Every problem found in a legacy config, collected before one error is raised."""

    lines: list[str] = field(default_factory=list)

    def add(self, file: Path, where: str, what: str) -> None:
        """Record ``what`` is wrong at JSON path ``where`` of ``file``."""
        self.lines.append(f"{file}: {where or '<top level>'}: {what}")


MAX_BYTES = 8 * 1024 * 1024
"""Largest legacy file read (8 MiB); EmbodiChain's train and gym configs are a few KiB."""
MAX_DEPTH = 64
"""Deepest nesting of objects and arrays accepted; real configs nest about 5 levels."""


def read_config(path: Path, problems: Problems, *, where: str, missing_hint: str) -> Any:
    """Parse ``path`` as YAML (``.yaml`` / ``.yml``) or JSON (anything else), objects as
    ``JsonObject``; ``None`` after recording why it failed.

    A file larger than :data:`MAX_BYTES` or nested deeper than :data:`MAX_DEPTH` is one
    problem, found without reading past the limit or recursing into the nesting."""
    if not path.is_file():
        what = "not a regular file" if path.exists() else "file not found"
        problems.add(path, where, f"{what}; {missing_hint}" if missing_hint else what)
        return None
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            problems.add(path, where, _too_large(path))
            return None
        text = raw.decode("utf-8")
        is_yaml = path.suffix.lower() in YAML_SUFFIXES
        data = parse_yaml(text) if is_yaml else parse_json(text)
    except json.JSONDecodeError as error:
        problems.add(
            path, where, f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        )
    except yaml.YAMLError as error:
        problems.add(path, where, yaml_error_text(error))
    except RecursionError:
        problems.add(path, where, _too_deep())
    except (OSError, UnicodeDecodeError) as error:
        problems.add(path, where, f"cannot read the file: {error}")
    else:
        if nesting_depth(data) > MAX_DEPTH:
            problems.add(path, where, _too_deep())
            return None
        return data
    return None


def _too_large(path: Path) -> str:
    size = path.stat().st_size
    shown = f"{size / 2**20:.1f} MiB" if size > MAX_BYTES else f"more than {MAX_BYTES} bytes"
    return (
        f"file too large ({shown}); a legacy config is at most {MAX_BYTES // 2**20} MiB "
        "(EmbodiChain's are a few KiB): is this the right file?"
    )


def _too_deep() -> str:
    return (
        f"objects and arrays nested deeper than {MAX_DEPTH} levels; a legacy config nests "
        "about 5: is this the right file?"
    )


def nesting_depth(value: Any) -> int:
    """How deeply objects and arrays nest in a parsed JSON value (a scalar is 0), counted
    without recursion and stopping one level past :data:`MAX_DEPTH`."""
    depth = 0
    level = [value]
    while depth <= MAX_DEPTH:
        containers = [item for item in level if isinstance(item, dict | list)]
        if not containers:
            break
        depth += 1
        level = [
            child
            for item in containers
            for child in (item.values() if isinstance(item, dict) else item)
        ]
    return depth


def plain(value: Any) -> Any:
    """``value`` with every ``JsonObject`` turned into a plain ``dict`` (for YAML and Hydra)."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def join(where: str, key: str | int) -> str:
    """The JSON path of ``key`` inside the node at ``where``."""
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


def json_type(value: Any) -> str:
    """The JSON name of a parsed value's type."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def as_object(value: Any, file: Path, where: str, problems: Problems) -> dict[str, Any] | None:
    """``value`` if it is a JSON object (reporting its duplicate keys), else record a problem."""
    if not isinstance(value, dict):
        article = "null where an object is needed" if value is None else "wrong type"
        problems.add(file, where, f"{article}: expected an object, got {json_type(value)}")
        return None
    for key in getattr(value, "duplicates", []):
        problems.add(
            file, join(where, key), "duplicate key (only the last value would count); give it once"
        )
    return value


def _union_args(hint: Any) -> tuple[Any, ...] | None:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return typing.get_args(hint)
    return None


def describe(hint: Any) -> str:
    """A JSON-flavoured name of a schema field type (``integer``, ``list of number`` ...)."""
    args = _union_args(hint)
    if args is not None:
        return " or ".join(describe(arg) for arg in args)
    names = {bool: "boolean", int: "integer", float: "number", str: "string"}
    names[type(None)] = "null"
    if hint in names:
        return names[hint]
    origin, inner = typing.get_origin(hint), typing.get_args(hint)
    if origin is list:
        return f"list of {describe(inner[0])}"
    if origin is tuple:
        if len(inner) == 2 and inner[1] is Ellipsis:
            return f"list of {describe(inner[0])}"
        return f"list of {len(inner)} {describe(inner[0])}"
    if origin is dict or dataclasses.is_dataclass(hint):
        return "object"
    return "any value"


def matches(value: Any, hint: Any) -> bool:
    """Whether a parsed JSON value has the schema field type ``hint`` (no coercion)."""
    args = _union_args(hint)
    if args is not None:
        return any(matches(value, arg) for arg in args)
    if hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    origin, inner = typing.get_origin(hint), typing.get_args(hint)
    if origin is list:
        return isinstance(value, list) and all(matches(item, inner[0]) for item in value)
    if origin is tuple:
        if not isinstance(value, list):
            return False
        if len(inner) == 2 and inner[1] is Ellipsis:
            return all(matches(item, inner[0]) for item in value)
        return len(value) == len(inner) and all(map(matches, value, inner))
    if origin is dict or dataclasses.is_dataclass(hint):
        return isinstance(value, dict)
    return True


def type_problem(value: Any, hint: Any) -> str | None:
    """Why ``value`` does not fit ``hint`` (null and wrong-type wording), or ``None``."""
    if matches(value, hint):
        return None
    if value is None:
        return f"null where a value is needed: expected {describe(hint)}"
    shown = json.dumps(value)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    return f"wrong type: expected {describe(hint)}, got {json_type(value)} {shown}"
