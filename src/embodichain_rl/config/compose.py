"""Compose a shipped primary config (``train.yaml``) from Hydra overrides without the CLI,
exactly as the console script would, with one-line errors."""

from __future__ import annotations

from collections.abc import Sequence

from hydra import compose, initialize_config_module
from hydra.core.global_hydra import GlobalHydra
from hydra.errors import HydraException
from hydra.initialize import get_gh_backup, restore_gh_from_backup
from omegaconf import DictConfig, open_dict
from omegaconf.errors import OmegaConfBaseException

from embodichain_rl.config.aliases import rewrite_moved_keys
from embodichain_rl.config.errors import ConfigError, describe_composition_error
from embodichain_rl.config.schema import register_configs

CONFIG_MODULE = "embodichain_rl.conf"
"""The package holding the shipped primary configs."""


def compose_config(
    overrides: Sequence[str] = (), *, config_name: str = "train", with_hydra: bool = False
) -> DictConfig:
    """Compose ``config_name`` with ``overrides`` (Hydra's override grammar; moved
    ``runtime.*`` keys are accepted). With ``with_hydra`` the ``hydra`` node is kept (its
    ``run.dir`` resolved). Raises :class:`ConfigError` with one line naming the bad key,
    value or option. Works inside an already initialised Hydra (its state is restored)."""
    register_configs()
    backup = get_gh_backup()
    GlobalHydra.instance().clear()
    try:
        with initialize_config_module(config_module=CONFIG_MODULE, version_base="1.3"):
            return compose(
                config_name=config_name,
                overrides=rewrite_moved_keys(overrides),
                return_hydra_config=with_hydra,
            )
    except (HydraException, OmegaConfBaseException, ValueError) as error:
        raise ConfigError(describe_composition_error(error)) from error
    finally:
        restore_gh_from_backup(backup)


def split_hydra_node(cfg: DictConfig) -> tuple[DictConfig, str | None]:
    """``(cfg without its hydra node, the resolved hydra.run.dir or None)``."""
    if "hydra" not in cfg:
        return cfg, None
    run_dir = str(cfg.hydra.run.dir)
    with open_dict(cfg):
        del cfg["hydra"]
    return cfg, run_dir
