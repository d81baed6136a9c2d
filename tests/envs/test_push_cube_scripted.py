"""The scripted controller solves PushCube in both control modes; random actions do not."""

from __future__ import annotations

import pytest
import torch

from embodichain_rl.envs.push_cube import PushCubeEnv, scripted_action


def first_episode_success(env: PushCubeEnv, policy: str, seed: int) -> torch.Tensor:
    obs, _ = env.reset(seed=seed)
    gen = torch.Generator().manual_seed(seed)
    success = torch.zeros(env.num_envs, dtype=torch.bool)
    finished = torch.zeros(env.num_envs, dtype=torch.bool)
    for _ in range(env.max_episode_steps or 100):
        if policy == "scripted":
            action = scripted_action(obs, env.layout, env.cfg)
        else:
            action = torch.rand(env.num_envs, env.action_dim, generator=gen) * 2 - 1
        obs, _, terminated, truncated, info = env.step(action)
        success |= info["metrics"]["success"] & ~finished
        finished |= terminated | truncated
    assert finished.all()
    return success


@pytest.mark.parametrize("mode", ["joint_delta_pos", "ee_delta_pos"])
def test_scripted_controller_succeeds(mode: str) -> None:
    env = PushCubeEnv(num_envs=128, control_mode=mode)
    assert first_episode_success(env, "scripted", seed=123).float().mean() >= 0.9


@pytest.mark.parametrize("mode", ["joint_delta_pos", "ee_delta_pos"])
def test_random_policy_rarely_succeeds(mode: str) -> None:
    env = PushCubeEnv(num_envs=128, control_mode=mode)
    assert first_episode_success(env, "random", seed=123).float().mean() <= 0.1


def test_scripted_push_through_ee_mode_moves_the_cube_to_the_goal_without_spin() -> None:
    env = PushCubeEnv(num_envs=1, control_mode="ee_delta_pos", terminate_on_success=False)
    obs, _ = env.reset(seed=0)
    env.cube = torch.tensor([[0.6, 0.0, 0.0]])
    env.goal = torch.tensor([[0.85, 0.0]])
    env.tcp = torch.tensor([[0.5, 0.0, 0.05]])
    obs = env._observe()
    for _ in range(30):
        obs, *_ = env.step(scripted_action(obs, env.layout, env.cfg))
    # A straight push along +x through the centre of an aligned cube: no yaw, no drift in y.
    assert float(env.cube[0, 0]) > 0.75
    assert abs(float(env.cube[0, 1])) < 1e-4 and abs(float(env.cube[0, 2])) < 1e-4
