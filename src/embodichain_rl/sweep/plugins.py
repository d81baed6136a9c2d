"""Which Hydra plugin a command line needs, and the hint when it is not installed."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence

SWEEP_EXTRA = "pip install 'embodichain-rl[sweep]'"
"""How to install every sweep plugin (from a checkout: ``pip install -e '.[sweep]'``)."""

_JOBLIB = "hydra_plugins.hydra_joblib_launcher"
_SUBMITIT = "hydra_plugins.hydra_submitit_launcher"
_OPTUNA = "hydra_plugins.hydra_optuna_sweeper"

PLUGIN_FOR_OPTION: dict[tuple[str, str], str] = {
    ("hydra/launcher", "joblib"): _JOBLIB,
    ("hydra/launcher", "submitit_local"): _SUBMITIT,
    ("hydra/launcher", "submitit_slurm"): _SUBMITIT,
    ("hydra/launcher", "slurm"): _SUBMITIT,
    ("hydra/sweeper", "optuna"): _OPTUNA,
}
"""``(config group, option)`` -> the plugin module it needs."""

PLUGIN_FOR_GROUP: dict[str, str] = {"sweep": _OPTUNA}
"""Config groups whose every option needs a plugin (the ``sweep/`` presets use Optuna)."""


def _group_choices(args: Sequence[str]) -> list[tuple[str, str]]:
    choices = []
    for arg in args:
        if "=" not in arg or arg.startswith("-"):
            continue
        key, value = arg.split("=", 1)
        choices.append((key.lstrip("+~"), value))
    return choices


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def missing_plugin_hint(
    args: Sequence[str], installed: Callable[[str], bool] = _installed
) -> str | None:
    """A one-line hint naming the extra to install when an override in ``args`` picks a
    config option whose Hydra plugin is not installed; ``None`` when nothing is missing."""
    for group, option in _group_choices(args):
        module = PLUGIN_FOR_OPTION.get((group, option)) or PLUGIN_FOR_GROUP.get(group)
        if module is not None and not installed(module):
            plugin = module.rsplit(".", 1)[1].replace("_", "-")
            return f"{group}={option} needs the Hydra plugin {plugin}; install it: {SWEEP_EXTRA}"
    return None
