"""The headless top-down renderer draws the state where it is."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

from embodichain_rl.envs.base import EmbodiedEnv, StepResult
from embodichain_rl.envs.push_cube import PushCubeEnv


def pixel(env: PushCubeEnv, x: float, y: float) -> tuple[int, int]:
    cfg = env.cfg
    col = cfg.render_size / 2 + (x - cfg.render_center[0]) * cfg.render_scale
    row = cfg.render_size / 2 - (y - cfg.render_center[1]) * cfg.render_scale
    return int(row), int(col)


def test_frame_shape_and_content() -> None:
    env = PushCubeEnv(num_envs=3)
    env.reset(seed=0)
    with torch.inference_mode():  # the env's state lives in inference tensors (envs.base.grad_free)
        env.cube[1] = torch.tensor([0.7, 0.2, 0.0])
    frame = env.render(env_index=1)
    assert frame.dtype == np.uint8 and frame.shape == (400, 400, 3)
    r, c = pixel(env, 0.7, 0.2)
    assert tuple(frame[r, c]) == (220, 60, 60)  # the cube, where env 1 has it
    r, c = pixel(env, 0.3, -0.4)
    assert tuple(frame[r, c]) == (196, 170, 130)  # bare table
    assert not np.array_equal(frame, env.render())  # env 0 differs


def test_the_env_contract_renders_one_env_by_index() -> None:
    class Blind(EmbodiedEnv):
        def reset(
            self, *, seed: int | None = None, options: dict[str, Any] | None = None
        ) -> tuple[torch.Tensor, dict[str, Any]]:
            raise NotImplementedError

        def step(self, action: torch.Tensor) -> StepResult:
            raise NotImplementedError

    with pytest.raises(NotImplementedError, match="Blind does not render"):
        Blind().render(env_index=1)
    env = PushCubeEnv(num_envs=2)
    env.reset(seed=0)
    np.testing.assert_array_equal(env.render(0), env.render())
