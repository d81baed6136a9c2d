"""Legacy EmbodiChain configs (JSON or YAML): translate to Hydra overrides, compose, convert.

The key table is in ``mapping``; ``docs/legacy_json.md`` documents it.
"""

from __future__ import annotations

from embodichain_rl.config.legacy.compose import json_overrides, load_json_config
from embodichain_rl.config.legacy.overrides import render_value, to_overrides
from embodichain_rl.config.legacy.preset import experiment_yaml
from embodichain_rl.config.legacy.reader import LegacyConfigError
from embodichain_rl.config.legacy.translate import Translation, translate_json

__all__ = [
    "LegacyConfigError",
    "Translation",
    "experiment_yaml",
    "json_overrides",
    "load_json_config",
    "render_value",
    "to_overrides",
    "translate_json",
]
