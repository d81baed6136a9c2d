"""Tiny trained runs shared by the eval and export CLI tests, and a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.budgets import TINY_RUN


def run_cli(module: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m embodichain_rl.cli.<module> ARGS`` in a subprocess (as a user runs it)."""
    return subprocess.run(
        [sys.executable, "-m", f"embodichain_rl.cli.{module}", *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd,
        env={
            **{k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"},
            "WANDB_MODE": "offline",
        },
    )


def train(run_dir: Path, *overrides: str) -> Path:
    """Train the tiny budget (``tests/budgets.py``) with ``overrides`` into ``run_dir``."""
    result = run_cli("train", *TINY_RUN, *overrides, f"hydra.run.dir={run_dir}")
    assert result.returncode == 0, result.stderr[-3000:]
    assert (run_dir / "checkpoints" / "last.pt").is_file()
    return run_dir


@pytest.fixture(scope="session")
def trained_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run directory of a 2-iteration PushCube run (normaliser on, best.pt and last.pt)."""
    run_dir = tmp_path_factory.mktemp("trained") / "run"
    return train(run_dir, "runtime.iterations=2", "policy.normalize_obs=true")


@pytest.fixture(scope="session")
def gym_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run directory of a 1-iteration Pendulum-v1 run through ``env=gym``."""
    run_dir = tmp_path_factory.mktemp("gym") / "run"
    return train(run_dir, "env=gym", "env.gym_id=Pendulum-v1")
