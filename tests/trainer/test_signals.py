"""SIGTERM / SIGINT stop training at an iteration boundary with a resumable checkpoint."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

from embodichain_rl.trainer.checkpoint import load_checkpoint
from embodichain_rl.trainer.interrupt import StopRequest, TrainingInterrupted
from tests.trainer.resume_helpers import TINY


def _train_cmd(*args: str) -> list[str]:
    # Eager pinned: runtime.compile=auto would compile a 100,000-iteration run.
    return [sys.executable, "-m", "embodichain_rl.cli.train", "runtime.compile=none", *args]


def _sigterm_after_two_checkpoints(run_dir: Path, cwd: Path, *args: str) -> str:
    """Start a run into ``run_dir`` that saves every iteration, send SIGTERM once it has
    written ``iter_000002.pt``, check it exits with 128 + SIGTERM; its console output."""
    process = subprocess.Popen(
        _train_cmd(
            *args,
            "runtime.iterations=100000",
            "checkpoint.save_freq=1",
            "eval.freq=0",
            f"hydra.run.dir={run_dir}",
        ),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "WANDB_MODE": "offline"},
    )
    deadline = time.monotonic() + 120
    while not (run_dir / "checkpoints" / "iter_000002.pt").exists():
        assert process.poll() is None, process.communicate()[0][-3000:]
        assert time.monotonic() < deadline, "training never wrote a checkpoint"
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 128 + signal.SIGTERM, output[-3000:]
    return output


def test_sigterm_checkpoints_prints_resume_command_and_resume_finishes(tmp_path: Path) -> None:
    run_dir = tmp_path / "interrupted"
    env = {**os.environ, "WANDB_MODE": "offline"}
    output = _sigterm_after_two_checkpoints(run_dir, tmp_path, *TINY)

    saved = load_checkpoint(run_dir / "checkpoints" / "last.pt")
    stopped_at = saved["iteration"]
    assert 2 <= stopped_at < 100000
    assert saved["global_step"] == stopped_at * 64
    command = next(
        line.strip() for line in output.splitlines() if "embodichain-train runtime.resume=" in line
    )
    resume_args = shlex.split(command)[1:]
    assert resume_args == [f"runtime.resume={(run_dir / 'checkpoints' / 'last.pt').resolve()}"]

    resumed_dir = tmp_path / "resumed"
    result = subprocess.run(
        _train_cmd(
            *resume_args, f"runtime.iterations={stopped_at + 2}", f"hydra.run.dir={resumed_dir}"
        ),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((resumed_dir / "summary.json").read_text())
    assert summary["iterations"] == stopped_at + 2
    assert summary["global_steps"] == (stopped_at + 2) * 64
    # The config came from the checkpoint (8 envs), not from train.yaml's defaults.
    last = load_checkpoint(resumed_dir / "checkpoints" / "last.pt")
    assert last["config"]["env"]["num_envs"] == 8
    assert last["config"]["checkpoint"]["save_freq"] == 1


def test_sigterm_stops_sac_with_its_replay_buffer_in_the_checkpoint(tmp_path: Path) -> None:
    run_dir = tmp_path / "sac"
    _sigterm_after_two_checkpoints(
        run_dir,
        tmp_path,
        "+experiment=push_cube_sac",
        "+debug=smoke_off_policy",
        "algorithm.save_replay_buffer=true",
    )
    saved = load_checkpoint(run_dir / "checkpoints" / "last.pt")
    stopped_at = saved["iteration"]
    assert saved["global_step"] == stopped_at * 16  # 4 envs x 4 steps per iteration
    algorithm = saved["algorithm"]
    assert algorithm["env_steps"] == stopped_at * 16
    # The ring holds 64 transitions = 16 rows of 4 envs; each iteration adds 4 rows.
    assert algorithm["replay_buffer"]["filled_rows"] == min(stopped_at * 4, 16)
    assert algorithm["gradient_steps"] > 0


def test_stop_request_catches_sigint_and_restores_handlers() -> None:
    before = signal.getsignal(signal.SIGINT)
    with StopRequest() as stop:
        assert not stop.requested
        signal.raise_signal(signal.SIGINT)
        assert stop.signum == signal.SIGINT
    assert signal.getsignal(signal.SIGINT) is before


def test_training_interrupted_exits_like_a_shell_reports_signals(tmp_path: Path) -> None:
    stop = TrainingInterrupted(signal.SIGINT, tmp_path / "last.pt", "embodichain-train ...")
    assert isinstance(stop, SystemExit)
    assert stop.code == 130
    assert TrainingInterrupted(signal.SIGTERM, tmp_path, "").code == 143
