"""Typed config schemas, Hydra registration, validation and the legacy JSON loader."""

from __future__ import annotations

from embodichain_rl.config.legacy import LegacyConfigError, load_json_config
from embodichain_rl.config.runtime import RuntimeConfig
from embodichain_rl.config.schema import GROUP_SCHEMAS, TrainConfig, register_configs
from embodichain_rl.config.validation import ConfigError, validate_config

__all__ = [
    "GROUP_SCHEMAS",
    "ConfigError",
    "LegacyConfigError",
    "RuntimeConfig",
    "TrainConfig",
    "load_json_config",
    "register_configs",
    "validate_config",
]
