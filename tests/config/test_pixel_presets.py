"""``+experiment=push_cube_rgb`` (CPU) and ``push_cube_rgb_gpu`` compose into pixel runs the
preflight accepts: a camera observation, an image encoder the resolution suits and the
asymmetric critic."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from embodichain_rl.config import ConfigError, validate_config
from embodichain_rl.trainer.observation_check import observation_problem
from embodichain_rl.trainer.run import run


@pytest.mark.parametrize("preset", ["push_cube_rgb", "push_cube_rgb_gpu"])
def test_pixel_presets_are_valid_asymmetric_pixel_runs(compose_train, preset: str) -> None:
    cfg = compose_train(f"+experiment={preset}")
    typed = validate_config(cfg)
    assert typed.env.obs_mode == "rgb_state"
    assert typed.policy.encoder.type == "nature_cnn"
    assert typed.policy.critic_obs == ["privileged"]
    assert observation_problem(cfg) is None
    samples = typed.runtime.rollout_steps * typed.env.num_envs
    assert samples % typed.algorithm.num_minibatches == 0


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the refusal without a GPU")
def test_gpu_pixel_preset_without_a_gpu_stops_before_writing(compose_train, tmp_path: Path) -> None:
    cfg = compose_train("+experiment=push_cube_rgb_gpu")
    with pytest.raises(ConfigError, match=r"runtime\.device=.cuda"):
        run(cfg, tmp_path / "run")
    assert not (tmp_path / "run").exists()
