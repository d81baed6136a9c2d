"""Which Hydra plugin a command line needs, and the hint when it is not installed."""

from __future__ import annotations

import importlib.util
import shutil
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


SLURM_LAUNCHERS = ("slurm", "submitit_slurm")
"""``hydra/launcher`` options that submit every job with ``sbatch``."""

MULTIRUN_FLAGS = ("-m", "--multirun")


def _is_multirun(args: Sequence[str]) -> bool:
    """Whether Hydra will launch ``args`` as a multirun (where the launcher is used)."""
    return any(arg in MULTIRUN_FLAGS for arg in args) or any(
        arg.lstrip("+") in ("hydra.mode=MULTIRUN", "hydra.mode=multirun") for arg in args
    )


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
    args: Sequence[str],
    installed: Callable[[str], bool] = _installed,
    which: Callable[[str], str | None] = shutil.which,
) -> str | None:
    """A one-line hint when ``args`` cannot launch here: an override picks a config
    option whose Hydra plugin is not installed (naming the extra to install), or a multirun
    picks the SLURM launcher on a machine without ``sbatch``; ``None`` when all is there."""
    choices = _group_choices(args)
    for group, option in choices:
        module = PLUGIN_FOR_OPTION.get((group, option)) or PLUGIN_FOR_GROUP.get(group)
        if module is not None and not installed(module):
            plugin = module.rsplit(".", 1)[1].replace("_", "-")
            return f"{group}={option} needs the Hydra plugin {plugin}; install it: {SWEEP_EXTRA}"
    launchers = [option for group, option in choices if group == "hydra/launcher"]
    slurm = bool(launchers) and launchers[-1] in SLURM_LAUNCHERS and _is_multirun(args)
    if slurm and which("sbatch") is None:
        return (
            f"hydra/launcher={launchers[-1]} submits each job with sbatch, which is not on "
            "this machine's PATH: run the sweep on a SLURM login node, or run the jobs here "
            "with hydra/launcher=submitit_local or hydra/launcher=joblib"
        )
    return None
