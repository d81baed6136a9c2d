"""The legacy CLI forms as a user runs them: subprocesses with a tiny budget."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from tests.config.legacy_helpers import REPO_SHAPE, TINY, TUTORIAL, tutorial_data, write_json

REPO_ROOT = Path(__file__).resolve().parents[2]


def _python(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "WANDB_MODE": "offline", "PYTHONPATH": str(REPO_ROOT)},
    )


def _config_of(run_dir: Path) -> dict:
    return yaml.safe_load((run_dir / ".hydra" / "config.yaml").read_text(encoding="utf-8"))


def test_train_json_flag_runs_the_tutorial(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    result = _python(
        "-m",
        "embodichain_rl.cli.train",
        "--json",
        str(TUTORIAL),
        *TINY,
        f"hydra.run.dir={run_dir}",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    config = _config_of(run_dir)
    assert config["env"]["max_episode_steps"] == 100
    assert config["env"]["num_envs"] == 4
    assert config["algorithm"]["learning_rate"] == 1e-4
    assert config["algorithm"]["batch_size"] == 8
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["iterations"] == 1
    overrides = yaml.safe_load((run_dir / ".hydra" / "overrides.yaml").read_text())
    assert "env=push_cube" in overrides
    assert overrides.index("algorithm.batch_size=64") < overrides.index("algorithm.batch_size=8")


def test_seed_form_runs_the_repository_shape(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    result = _python(
        "-m",
        "embodichain_rl.train",
        "--config",
        str(REPO_SHAPE),
        *TINY,
        f"hydra.run.dir={run_dir}",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    config = _config_of(run_dir)
    assert config["env"]["success_bonus"] == 10.0
    assert config["env"]["num_envs"] == 4
    assert "robot" in result.stderr  # the one warning listing the ignored scene
    assert (run_dir / "summary.json").is_file()


def test_bad_json_exits_with_one_message_before_any_run_dir(tmp_path: Path) -> None:
    data = tutorial_data()
    data["algorithm"]["cfg"]["gama"] = 0.9
    data["runtime"]["seed"] = "42"
    bad = write_json(tmp_path / "bad.json", data)
    run_dir = tmp_path / "run"
    for form in (["embodichain_rl.cli.train", "--json"], ["embodichain_rl.train", "--config"]):
        result = _python("-m", *form, str(bad), f"hydra.run.dir={run_dir}", cwd=tmp_path)
        assert result.returncode == 2
        assert "Traceback" not in result.stderr
        assert "algorithm.cfg.gama" in result.stderr and "runtime.seed" in result.stderr
        assert not run_dir.exists()
