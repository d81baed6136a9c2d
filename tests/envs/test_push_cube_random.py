"""Seeded, batch-independent reset randomisation."""

from __future__ import annotations

import math

import torch

from embodichain_rl.envs.push_cube import PushCubeEnv
from embodichain_rl.envs.push_cube.random import mix32, uniform


def rollout(
    env: PushCubeEnv, actions: torch.Tensor, seed: int
) -> tuple[torch.Tensor, torch.Tensor]:
    obs, _ = env.reset(seed=seed)
    observations, rewards = [obs], []
    for t in range(actions.shape[0]):
        obs, reward, _, _, _ = env.step(actions[t])
        observations.append(obs)
        rewards.append(reward)
    return torch.stack(observations), torch.stack(rewards)


def test_env_trajectory_does_not_depend_on_batch_size_or_neighbours() -> None:
    gen = torch.Generator().manual_seed(0)
    steps = 70  # longer than an episode: auto-resets are covered too
    actions7 = torch.rand(steps, 7, 6, generator=gen) * 2 - 1
    obs7, rew7 = rollout(PushCubeEnv(num_envs=7, max_episode_steps=30), actions7, seed=11)
    obs1, rew1 = rollout(PushCubeEnv(num_envs=1, max_episode_steps=30), actions7[:, :1], seed=11)
    assert torch.equal(obs1[:, 0], obs7[:, 0]) and torch.equal(rew1[:, 0], rew7[:, 0])
    other = actions7.clone()
    other[:, 4:] = -other[:, 4:]  # different neighbours, same env 3
    obs4, rew4 = rollout(PushCubeEnv(num_envs=4, max_episode_steps=30), other[:, :4], seed=11)
    assert torch.equal(obs4[:, 3], obs7[:, 3]) and torch.equal(rew4[:, 3], rew7[:, 3])


def test_seed_reproduces_and_different_seeds_differ() -> None:
    a = PushCubeEnv(num_envs=16)
    b = PushCubeEnv(num_envs=16)
    obs_a, _ = a.reset(seed=3)
    obs_b, _ = b.reset(seed=3)
    assert torch.equal(obs_a, obs_b)
    obs_c, _ = b.reset(seed=4)
    assert not torch.allclose(obs_a, obs_c)
    obs_d, _ = b.reset()  # unseeded reset: the next episode, not a repeat
    assert not torch.allclose(obs_c, obs_d)


def test_reset_ranges_and_goal_sector() -> None:
    env = PushCubeEnv(num_envs=4096)
    env.reset(seed=0)
    cfg = env.cfg
    cube, goal = env.cube, env.goal
    assert cube[:, 0].min() >= 0.55 and cube[:, 0].max() <= 0.65
    assert cube[:, 1].min() >= -0.1 and cube[:, 1].max() <= 0.1
    assert cube[:, 2].abs().max() <= math.pi / 4
    reach = (goal - cube[:, :2]).norm(dim=-1)
    assert reach.min() >= 0.15 - 1e-5 and reach.max() <= 0.3 + 1e-5
    # The goal lies in a +-45 deg sector pointing away from the robot base.
    outward = cube[:, :2] / cube[:, :2].norm(dim=-1, keepdim=True)
    cos = ((goal - cube[:, :2]) * outward).sum(-1) / reach
    assert cos.min() >= math.cos(math.pi / 4) - 1e-4
    # Start TCPs: a few cm above the table, clear of the cube, small joint noise.
    assert env.tcp[:, 2].min() > cfg.tcp_radius + 0.01 and env.tcp[:, 2].max() < 0.09
    assert (env.qpos - torch.tensor(cfg.init_qpos)).abs().max() <= cfg.init_qpos_noise + 1e-6
    assert (env.cube[:, 0] - env.tcp[:, 0]).min() > 0.05
    # Uniform draws fill their ranges (not a constant or a narrow band).
    assert cube[:, 0].std() > 0.02 and reach.std() > 0.03


def test_counter_hash_uniforms_are_well_spread() -> None:
    u = uniform(
        mix32(torch.tensor(7)), torch.arange(20000), torch.zeros(20000, dtype=torch.int64), 4
    )
    assert u.min() >= 0 and u.max() < 1
    assert abs(float(u.mean()) - 0.5) < 0.01
    assert abs(float(u.var()) - 1 / 12) < 0.003
    corr = torch.corrcoef(u.T)
    assert (corr - torch.eye(4)).abs().max() < 0.03
    # Neighbouring episode counters give unrelated draws.
    v = uniform(
        mix32(torch.tensor(7)), torch.arange(20000), torch.ones(20000, dtype=torch.int64), 4
    )
    assert abs(float(torch.corrcoef(torch.stack((u[:, 0], v[:, 0])))[0, 1])) < 0.03
