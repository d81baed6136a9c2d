"""One line for every way a composition can fail: the key, the bad value, what is valid."""

from __future__ import annotations

import dataclasses
import difflib
import re

from hydra.errors import MissingConfigException, OverrideParseException
from omegaconf.errors import (
    ConfigAttributeError,
    ConfigKeyError,
    OmegaConfBaseException,
    ValidationError,
)


class ConfigError(ValueError):
    """The configuration cannot be run; the message names every bad key."""


def did_you_mean(word: str, choices: list[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices``, or an empty string."""
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


def _chain(error: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _unknown_key(error: ConfigKeyError | ConfigAttributeError) -> str:
    schema = error.object_type
    key = str(error.key)
    if dataclasses.is_dataclass(schema):
        valid = [f.name for f in dataclasses.fields(schema)]
        return (
            f"{error.full_key}: unknown key for {schema.__name__}{did_you_mean(key, valid)}; "
            f"valid keys: {', '.join(valid)}"
        )
    return (
        f"{error.full_key}: no such key; add a new entry with +{error.full_key}=... "
        "(a free-form mapping)"
    )


def _bad_value(error: ValidationError) -> str:
    message = _first_line(str(error.msg or error))
    return f"{error.full_key}: {message}"


def _missing_option(error: MissingConfigException) -> str:
    text = str(error)
    match = re.search(r"Could not find '([^']+)'", text)
    options = re.findall(r"^\t(\S+)$", text.split("Config search path")[0], flags=re.M)
    if match and "/" in match.group(1):
        group, _, name = match.group(1).rpartition("/")
        return (
            f"{group}={name}: no such option{did_you_mean(name, options)}; "
            f"options: {', '.join(options) or 'none'}"
        )
    return _first_line(text)


def describe_composition_error(error: BaseException) -> str:
    """The one-line message for a failed ``compose`` (Hydra or OmegaConf error)."""
    for cause in _chain(error):
        if isinstance(cause, (ConfigKeyError, ConfigAttributeError)) and cause.full_key:
            return _unknown_key(cause)
        if isinstance(cause, ValidationError) and cause.full_key:
            return _bad_value(cause)
        if isinstance(cause, MissingConfigException):
            return _missing_option(cause)
        if isinstance(cause, OverrideParseException):
            lines = str(cause).strip().splitlines()
            return "; ".join(lines[:2])
    if isinstance(error, OmegaConfBaseException):
        return _first_line(str(error))
    return _first_line(str(error)) or type(error).__name__
