"""Typed config schemas, Hydra registration and validation."""

from __future__ import annotations

from embodichain_rl.config.runtime import RuntimeConfig
from embodichain_rl.config.schema import GROUP_SCHEMAS, TrainConfig, register_configs
from embodichain_rl.config.validation import ConfigError, validate_config

__all__ = [
    "GROUP_SCHEMAS",
    "ConfigError",
    "RuntimeConfig",
    "TrainConfig",
    "register_configs",
    "validate_config",
]
