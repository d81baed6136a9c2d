"""CartPoleRL as a Gymnasium id: ``gymnasium.make`` passes the env checker, keeps the
registered 500-step limit, reports success in ``info`` and renders; ``make_vec`` batches it."""

from __future__ import annotations

import warnings
from typing import Any

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

# check_env advice about a space's design (unbounded velocities), not about the API.
BENIGN_WARNINGS = ("infinity", "different from the unwrapped version")


def _warnings_that_matter(env: gym.Env[Any, Any]) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(env)
    messages = [str(w.message) for w in caught]
    return [m for m in messages if not any(benign in m for benign in BENIGN_WARNINGS)]


@pytest.mark.parametrize("wrapped", [False, True], ids=["unwrapped", "wrapped"])
def test_gymnasium_make_passes_the_env_checker(wrapped: bool) -> None:
    env = gym.make("CartPoleRL")
    assert _warnings_that_matter(env if wrapped else env.unwrapped) == []
    env.close()


def test_gymnasium_make_episode_ends_by_time_limit_with_success_info() -> None:
    env = gym.make("CartPoleRL", max_episode_steps=4)
    assert gym.spec("CartPoleRL").max_episode_steps == 500
    obs, _ = env.reset(seed=5)
    assert obs.shape == (4,) and obs.dtype == np.float32
    for step in range(1, 5):
        obs, reward, terminated, truncated, info = env.step(np.zeros(1, dtype=np.float32))
        assert type(reward) is float and 0.9 < reward <= 1.0  # near upright for 4 steps
        assert terminated is False and truncated is (step == 4)
    assert info["is_success"] is False  # still swinging from its noisy start
    assert set(info["rewards"]) == {"upright", "velocity_penalty"}
    env.close()


def test_gymnasium_make_renders_rgb_frames() -> None:
    env = gym.make("CartPoleRL", render_mode="rgb_array")
    env.reset(seed=0)
    frame = env.render()
    assert frame.shape == (240, 240, 3) and frame.dtype == np.uint8
    env.close()


def test_make_vec_batches_numpy_steps() -> None:
    envs = gym.make_vec("CartPoleRL", num_envs=3)
    obs, _ = envs.reset(seed=0)
    assert obs.shape == (3, 4)
    obs, reward, terminated, truncated, _ = envs.step(np.zeros((3, 1), dtype=np.float32))
    assert reward.shape == (3,) and terminated.dtype == bool and not truncated.any()
    envs.close()
