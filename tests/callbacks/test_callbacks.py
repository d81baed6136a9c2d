"""Callbacks: given through config or in Python, called every iteration, able to stop."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from embodichain_rl import EarlyStopping, Trainer
from embodichain_rl.callbacks import Callback
from embodichain_rl.config import ConfigError

SMOKE = ["+debug=smoke", "runtime.device=cpu"]
TARGET = "tests.callbacks.recording.RecordingCallback"
REPO = Path(__file__).resolve().parents[2]


def test_config_callback_runs_every_iteration_and_stops_the_cli_run(tmp_path: Path) -> None:
    calls = tmp_path / "calls.json"
    run_dir = tmp_path / "run"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "embodichain_rl.cli.train",
            *SMOKE,
            "runtime.iterations=6",
            f"+callbacks.rec._target_={TARGET}",
            f"+callbacks.rec.path={calls}",
            "+callbacks.rec.stop_at=3",
            f"hydra.run.dir={run_dir}",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO), "WANDB_MODE": "offline"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    recorded = json.loads(calls.read_text())
    assert [c["hook"] for c in recorded] == ["start", "iteration", "iteration", "iteration", "end"]
    assert [c["iteration"] for c in recorded if c["hook"] == "iteration"] == [1, 2, 3]
    assert all(c["has_loss"] for c in recorded if c["hook"] == "iteration")
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["iterations"] == 3
    assert summary["stop_reason"] == "recording callback stops at 3"
    assert summary["eval_episodes"] == 2  # the final evaluation still ran


class _EvalSeen(Callback):
    def __init__(self) -> None:
        self.eval_iterations: list[int] = []

    def on_iteration_end(self, trainer: Trainer, metrics: dict[str, float]) -> None:
        if "eval/success_rate" in metrics:
            self.eval_iterations.append(trainer.iteration)


def test_python_callbacks_see_eval_metrics_and_early_stopping_ends_the_run(
    tmp_path: Path,
) -> None:
    seen = _EvalSeen()
    # Success is 0 this early, so "<= 0.0" with mode=min triggers at the first evaluation.
    stop = EarlyStopping(metric="eval/success_rate", threshold=0.0, mode="min")
    trainer = Trainer.from_overrides(
        [*SMOKE, "runtime.iterations=10", "eval.freq=2"],
        run_dir=tmp_path / "run",
        callbacks=[seen, stop],
    )
    with trainer:
        summary = trainer.learn()
    assert seen.eval_iterations == [2]
    assert stop.hit_step == 2 * 16 and stop.hit_seconds is not None
    assert summary.iterations == 2
    assert summary.stop_reason is not None and "eval/success_rate" in summary.stop_reason


def test_a_config_callback_that_is_not_one_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"callbacks\.bad"):
        Trainer.from_overrides(
            [*SMOKE, "+callbacks.bad._target_=builtins.dict"], run_dir=tmp_path / "run"
        )
