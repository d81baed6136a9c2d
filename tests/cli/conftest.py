"""One tiny trained run shared by the eval and export CLI tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from hydra import compose, initialize_config_module

from embodichain_rl.config import register_configs
from embodichain_rl.trainer.run import run
from tests.trainer.resume_helpers import TINY


@pytest.fixture(scope="session")
def trained_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run directory of a 2-iteration PushCube run (normaliser on, best.pt and last.pt)."""
    register_configs()
    run_dir = tmp_path_factory.mktemp("trained") / "run"
    with initialize_config_module(config_module="embodichain_rl.conf", version_base="1.3"):
        cfg = compose("train", [*TINY, "runtime.iterations=2", "runtime.eval_freq=1"])
    run(cfg, run_dir)
    return run_dir
