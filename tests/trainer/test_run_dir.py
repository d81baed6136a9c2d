"""Run directories are never clobbered; a killed run resumes from its newest checkpoint."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from embodichain_rl import Trainer
from embodichain_rl.trainer.checkpoint import load_checkpoint
from embodichain_rl.trainer.run_dir import RunDirError, run_status

SMOKE = ["+debug=smoke", "runtime.device=cpu"]


def _train(*args: str, cwd: Path, preset: list[str] = SMOKE) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "embodichain_rl.cli.train", "runtime.compile=none", *preset, *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "WANDB_MODE": "offline"},
    )


def _wait_for(path: Path, process: subprocess.Popen[str], timeout: float = 240.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert process.poll() is None, process.communicate()[1][-3000:]
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.2)


def _snapshot(run_dir: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(run_dir)): p.read_bytes()
        for p in sorted(run_dir.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def test_second_run_on_a_busy_directory_fails_at_once_and_the_first_is_intact(
    tmp_path: Path,
) -> None:
    run_dir = tmp_path / "run"
    first = _train(
        "runtime.iterations=400", "checkpoint.last_freq=1", f"hydra.run.dir={run_dir}", cwd=tmp_path
    )
    try:
        _wait_for(run_dir / "checkpoints" / "last.pt", first)
        second = _train(f"hydra.run.dir={run_dir}", cwd=tmp_path)
        _, err = second.communicate(timeout=120)
        assert second.returncode == 2
        assert f"run directory {run_dir} is in use by pid {first.pid}" in err
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1
        assert first.poll() is None  # still training, undisturbed
        config = (run_dir / ".hydra" / "config.yaml").read_text()
        assert "iterations: 400" in config  # not replaced by the second run's
    finally:
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=120)
    assert first.returncode == 130
    assert json.loads((run_dir / "status.json").read_text())["status"] == "interrupted"


def test_a_finished_run_directory_is_refused_unless_overwritten(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    with Trainer.from_overrides(SMOKE, run_dir=run_dir) as trainer:
        trainer.learn()
    before = _snapshot(run_dir)
    with pytest.raises(RunDirError, match="already holds a run \\(status ok\\)"):
        Trainer.from_overrides(SMOKE, run_dir=run_dir)
    assert _snapshot(run_dir) == before
    with Trainer.from_overrides([*SMOKE, "runtime.overwrite=true"], run_dir=run_dir) as again:
        again.learn()
    assert json.loads((run_dir / "status.json").read_text())["status"] == "ok"


def test_sigkilled_run_resumes_by_directory_from_its_newest_checkpoint(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    killed = _train(
        "runtime.iterations=400",
        "checkpoint.save_freq=2",
        "checkpoint.last_freq=0",
        f"hydra.run.dir={run_dir}",
        cwd=tmp_path,
    )
    _wait_for(run_dir / "checkpoints" / "iter_000002.pt", killed)
    killed.send_signal(signal.SIGKILL)
    killed.communicate(timeout=60)
    checkpoints = run_dir / "checkpoints"
    (checkpoints / ".last.pt.orphan.tmp").write_bytes(b"half a file")
    assert not (checkpoints / "last.pt").exists()
    assert run_status(run_dir)["status"] == "killed"  # status.json still says running
    newest = max(int(p.stem.split("_")[1]) for p in checkpoints.glob("iter_*.pt"))

    resumed_dir = tmp_path / "resumed"
    resumed = _train(
        f"runtime.resume={run_dir}",
        f"runtime.iterations={newest + 1}",
        f"hydra.run.dir={resumed_dir}",
        cwd=tmp_path,
        preset=[],
    )
    _, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err[-3000:]
    summary = json.loads((resumed_dir / "summary.json").read_text())
    assert summary["iterations"] == newest + 1
    assert summary["session_steps"] == 16  # one iteration of 4 envs x 4 steps after resume
    assert summary["sps"] == summary["session_steps"] / summary["wall_time_s"]
    last = load_checkpoint(resumed_dir / "checkpoints" / "last.pt")
    assert last["config"]["runtime"]["resume"].endswith(f"iter_{newest:06d}.pt")
    assert json.loads((run_dir / "status.json").read_text())["status"] == "killed"


def test_resuming_in_place_cleans_orphans_and_continues(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    with Trainer.from_overrides([*SMOKE, "runtime.iterations=2"], run_dir=run_dir) as trainer:
        trainer.learn()
    orphan = run_dir / "checkpoints" / ".last.pt.abc.tmp"
    orphan.write_bytes(b"left by a killed writer")
    with Trainer.load(run_dir, overrides=["runtime.iterations=3"], run_dir=run_dir) as resumed:
        summary = resumed.learn()
    assert summary.iterations == 3 and summary.session_steps == 16
    assert not orphan.exists()
