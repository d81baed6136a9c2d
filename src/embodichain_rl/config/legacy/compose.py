"""``load_json_config``: a legacy config file (JSON or YAML) composed exactly as the CLI would
compose it."""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike
from pathlib import Path

from hydra import compose, initialize_config_module
from hydra.core.global_hydra import GlobalHydra
from hydra.initialize import get_gh_backup, restore_gh_from_backup
from omegaconf import DictConfig

from embodichain_rl.config.legacy.overrides import to_overrides
from embodichain_rl.config.legacy.translate import translate_json
from embodichain_rl.config.schema import register_configs

CONFIG_MODULE = "embodichain_rl.conf"
"""The package holding ``train.yaml`` (what ``embodichain-train`` composes)."""

CONFIG_NAME = "train"
"""The primary config."""


def json_overrides(path: str | PathLike[str], overrides: Sequence[str] = ()) -> list[str]:
    """The Hydra overrides equivalent to a legacy config file, then ``overrides`` (which win:
    Hydra applies overrides in order, the last value of a key or group counts)."""
    return [*to_overrides(translate_json(Path(path))), *overrides]


def load_json_config(path: str | PathLike[str], overrides: Sequence[str] = ()) -> DictConfig:
    """Compose ``train.yaml`` with the overrides a legacy file (JSON or YAML) stands for, then the
    given ``overrides``; equal to ``compose("train", overrides=json_overrides(...))``.

    Raises ``LegacyConfigError`` naming every problem of the file before anything is built.
    Works inside an already initialised Hydra (its state is restored afterwards).
    """
    all_overrides = json_overrides(path, overrides)
    register_configs()
    backup = get_gh_backup()
    GlobalHydra.instance().clear()
    try:
        with initialize_config_module(config_module=CONFIG_MODULE, version_base="1.3"):
            return compose(config_name=CONFIG_NAME, overrides=all_overrides)
    finally:
        restore_gh_from_backup(backup)
