"""`embodichain-eval` on a short-trained checkpoint: JSON fields, interval, GIF video."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

from PIL import Image


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    p = successes / n
    centre = (2 * n * p + z * z) / (2 * (n + z * z))
    half = z * math.sqrt(z * z + 4 * n * p * (1 - p)) / (2 * (n + z * z))
    return centre - half, centre + half


def test_eval_cli_writes_json_and_an_animated_gif(trained_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "eval"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "embodichain_rl.cli.eval",
            f"checkpoint={trained_run}",
            "num_episodes=6",
            "video=true",
            "video_episodes=2",
            "env.max_episode_steps=12",
            f"out={out}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "WANDB_MODE": "offline"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "success rate" in result.stdout
    report = json.loads((out / "eval.json").read_text())
    assert report["checkpoint"] == str(trained_run / "checkpoints" / "last.pt")
    assert report["episodes"] == 6
    assert report["iteration"] == 2
    assert report["seed"] == 42 + 10_000
    assert report["overrides"] == {"env.max_episode_steps": "12"}
    assert 1 <= report["episode_length_mean"] <= 12
    assert report["return_std"] >= 0
    successes = round(report["success_rate"] * 6)
    assert math.isclose(successes / 6, report["success_rate"], abs_tol=1e-9)
    low, high = report["success_ci95"]
    expected_low, expected_high = wilson(successes, 6)
    assert math.isclose(low, max(0.0, expected_low), abs_tol=1e-9)
    assert math.isclose(high, min(1.0, expected_high), abs_tol=1e-9)
    assert low <= report["success_rate"] <= high

    video = Path(report["video"])
    assert video == out / "eval.gif"
    with Image.open(video) as gif:
        assert gif.format == "GIF"
        assert gif.is_animated
        assert gif.n_frames == report["video_frames"] > 1
        assert gif.n_frames <= 2 * 12 + 2


def test_eval_cli_refuses_a_non_checkpoint(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.pt"
    bogus.write_text("not a checkpoint")
    result = subprocess.run(
        [sys.executable, "-m", "embodichain_rl.cli.eval", f"checkpoint={bogus}"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "not a loadable embodichain_rl checkpoint" in result.stderr
