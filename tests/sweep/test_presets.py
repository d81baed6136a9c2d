"""The SLURM launcher and Optuna sweeper presets compose as documented."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from omegaconf import DictConfig

ComposeFn = Callable[..., DictConfig]


def test_slurm_preset_is_a_submitit_slurm_launcher(compose_hydra: ComposeFn) -> None:
    pytest.importorskip("hydra_plugins.hydra_submitit_launcher")
    cfg = compose_hydra("hydra/launcher=slurm", "hydra.launcher.partition=gpu")
    launcher = cfg.hydra.launcher
    assert launcher._target_.endswith("submitit_launcher.SlurmLauncher")
    assert launcher.partition == "gpu"
    assert launcher.gpus_per_node == 1
    assert launcher.cpus_per_task == 8
    assert launcher.timeout_min == 240


def test_optuna_preset_maximises_in_memory_as_a_multirun(compose_hydra: ComposeFn) -> None:
    pytest.importorskip("hydra_plugins.hydra_optuna_sweeper")
    cfg = compose_hydra("+sweep=ppo_push_cube")
    sweeper = cfg.hydra.sweeper
    assert sweeper._target_.endswith("optuna_sweeper.OptunaSweeper")
    assert sweeper.direction == "maximize"
    assert sweeper.storage is None
    assert str(cfg.hydra.mode) == "RunMode.MULTIRUN"
    assert cfg.algorithm == compose_hydra().algorithm, "the preset changes no task value"
