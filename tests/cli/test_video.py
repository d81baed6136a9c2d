"""Videos through the ``render(env_index)`` contract, for PushCube and Gymnasium envs."""

from __future__ import annotations

import json
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
from PIL import Image

from embodichain_rl.envs import GymnasiumEnv, PushCubeEnv
from embodichain_rl.envs.base import EmbodiedEnv
from embodichain_rl.policies import ActorCritic
from embodichain_rl.trainer.video import record_episodes, render_overrides
from tests.cli.conftest import run_cli

PENDULUM_FRAME = (500, 500, 3)
"""Gymnasium's Pendulum-v1 ``rgb_array`` frame size."""


def pendulum(num_envs: int, max_episode_steps: int | None = None) -> GymnasiumEnv:
    pytest.importorskip("pygame")  # Gymnasium's classic-control renderer
    return GymnasiumEnv(
        gym_id="Pendulum-v1",
        num_envs=num_envs,
        max_episode_steps=max_episode_steps,
        env_kwargs={"render_mode": "rgb_array"},
    )


def policy_for(env: EmbodiedEnv) -> ActorCritic:
    return ActorCritic(obs_dim=env.obs_dim, action_dim=env.action_dim)


def test_gym_adapter_renders_the_sub_env_asked_for() -> None:
    env = pendulum(3)
    env.reset(seed=5)
    frames = [env.render(i) for i in range(3)]
    assert all(f.shape == PENDULUM_FRAME and f.dtype == np.uint8 for f in frames)
    # Sub-env i is seeded with seed + i: a plain Gymnasium env seeded so renders the same.
    single = gym.make("Pendulum-v1", render_mode="rgb_array")
    single.reset(seed=5 + 1)
    np.testing.assert_array_equal(frames[1], single.render())
    single.close()
    assert not np.array_equal(frames[0], frames[1])
    np.testing.assert_array_equal(env.render(), frames[0])
    with pytest.raises(IndexError, match="env_index 3"):
        env.render(3)
    env.close()


def test_record_episodes_on_a_gymnasium_env_plays_each_episode_in_turn() -> None:
    env = pendulum(3, max_episode_steps=5)
    frames = record_episodes(env, policy_for(env), seed=0, episodes=2)
    # Per episode: the reset frame and the frames after steps 1..4 (step 5 ends it).
    assert len(frames) == 2 * 5
    assert all(f.shape == PENDULUM_FRAME and f.dtype == np.uint8 for f in frames)
    env.reset(seed=0)
    np.testing.assert_array_equal(frames[5], env.render(1))  # episode 2 starts at env 1
    env.close()


def test_record_episodes_on_push_cube() -> None:
    env = PushCubeEnv(num_envs=2, max_episode_steps=4)
    frames = record_episodes(env, policy_for(env), seed=0, episodes=2)
    assert len(frames) == 2 * 4
    assert all(f.shape == (400, 400, 3) for f in frames)
    env.reset(seed=0)
    np.testing.assert_array_equal(frames[4], env.render(1))


def test_render_overrides_ask_gymnasium_envs_for_rgb_array_only() -> None:
    gym_cfg = {"gym_id": "Pendulum-v1", "env_kwargs": {}}
    assert render_overrides(gym_cfg) == {"env_kwargs.render_mode": "rgb_array"}
    assert render_overrides({"env_kwargs": {"render_mode": "rgb_array"}}) == {}
    assert render_overrides({"env_id": "PushCubeRL", "control_mode": "joint_delta_pos"}) == {}


def test_eval_video_of_a_gymnasium_checkpoint(gym_run: Path, tmp_path: Path) -> None:
    pytest.importorskip("pygame")
    args = ["num_episodes=3", "video=true", "video_episodes=2", "env.max_episode_steps=6"]
    result = run_cli("eval", f"checkpoint={gym_run}", *args, f"out={tmp_path}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "eval.json").read_text())
    assert report["episodes"] == 3 and report["episode_length_mean"] == 6
    assert report["video_frames"] == 2 * 6
    with Image.open(report["video"]) as gif:
        assert gif.size == PENDULUM_FRAME[:2]
        # Pillow merges identical consecutive frames, adding up their display times.
        durations = []
        for index in range(gif.n_frames):
            gif.seek(index)
            durations.append(gif.info["duration"])
    assert sum(durations) == 2 * 6 * 40  # 25 fps
