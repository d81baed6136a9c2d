"""Training videos of a Gymnasium env (the recorder asks the eval env for ``render(i)``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from embodichain_rl import Trainer

pytest.importorskip("pygame", reason="Gymnasium's classic-control rendering needs pygame")


def test_eval_video_of_a_gym_env_during_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    overrides = ["env=gym", "env.gym_id=Pendulum-v1", "+debug=smoke", "eval.video_freq=1"]
    with Trainer.from_overrides([*overrides, "runtime.device=cpu"], run_dir=tmp_path) as trainer:
        trainer.learn()
    with Image.open(tmp_path / "videos" / "iter_000001.gif") as gif:
        assert gif.n_frames > 100  # one Pendulum episode (200 steps; GIF merges repeats)
