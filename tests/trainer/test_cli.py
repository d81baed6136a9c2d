"""`embodichain-train` as a user runs it: a subprocess with a tiny budget."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

TINY = [
    "env.num_envs=8",
    "runtime.iterations=2",
    "runtime.rollout_steps=8",
    "eval.num_envs=4",
    "eval.freq=1",
    "checkpoint.save_freq=1",
    "logging.progress_bar=false",
    "runtime.device=cpu",
    "algorithm.num_minibatches=2",
    "algorithm.n_epochs=1",
]


def _train(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "embodichain_rl.cli.train", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "WANDB_MODE": "offline"},
    )


def test_cli_run_leaves_logs_checkpoints_hydra_and_summary(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    result = _train(
        "env=push_cube",
        "algorithm=ppo",
        "algorithm.gamma=0.98",
        *TINY,
        f"hydra.run.dir={run_dir}",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]

    config = yaml.safe_load((run_dir / ".hydra" / "config.yaml").read_text())
    assert config["algorithm"]["gamma"] == 0.98

    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["iterations"] == 2
    assert summary["global_steps"] == 2 * 8 * 8
    assert 0.0 <= summary["eval_success_rate"] <= 1.0
    assert summary["eval_episodes"] == 4
    assert Path(summary["last_checkpoint"]).is_file()
    assert Path(summary["best_checkpoint"]).is_file()
    assert (run_dir / "checkpoints" / "iter_000002.pt").is_file()

    events = list((run_dir / "logs").glob("events.out.tfevents.*"))
    assert events, "no TensorBoard event file"
    accumulator = EventAccumulator(str(run_dir / "logs"))
    accumulator.Reload()
    tags = set(accumulator.Tags()["scalars"])
    for tag in ("charts/SPS", "train/approx_kl", "train/clipfrac", "train/lr", "eval/success_rate"):
        assert tag in tags
    steps = [event.step for event in accumulator.Scalars("charts/SPS")]
    assert steps == [64, 128]


def test_cli_typo_exits_nonzero_naming_the_key(tmp_path: Path) -> None:
    result = _train("algorithm.gama=0.9", f"hydra.run.dir={tmp_path / 'run'}", cwd=tmp_path)
    assert result.returncode != 0
    assert "gama" in result.stderr
    assert not (tmp_path / "run" / "checkpoints").exists()


def test_a_small_env_count_trains_without_touching_the_minibatch_size(tmp_path: Path) -> None:
    result = _train(
        "env.num_envs=16",
        "runtime.iterations=2",
        "eval.num_envs=4",
        "runtime.device=cpu",
        f"hydra.run.dir={tmp_path / 'run'}",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["iterations"] == 2 and summary["global_steps"] == 2 * 16 * 16
