"""Helpers of the sweep tests: run `embodichain-train` in a subprocess, read a sweep."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.budgets import TINY_RUN

TINY = [*TINY_RUN, "runtime.device=cpu", "runtime.torch_threads=1"]
"""A budget of seconds per job; one torch thread keeps a shared CPU responsive."""

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run_module(module: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m module args`` in ``cwd`` (W&B offline), output captured."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "WANDB_MODE": "offline"},
    )


def train(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``embodichain-train args`` in a subprocess."""
    return run_module("embodichain_rl.cli.train", *args, cwd=cwd)


def job_dirs(sweep_dir: Path) -> list[Path]:
    """The job directories directly under ``sweep_dir``, by job number."""
    dirs = [p for p in sweep_dir.iterdir() if (p / ".hydra").is_dir()]
    return sorted(dirs, key=lambda p: int(p.name.split("_", 1)[0]))


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def read_json(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text())
    assert isinstance(data, dict)
    return data
