"""The truncation bootstrap computed once per rollout: a fixed-size gather of the
time-limited rows gives the same values as the critic on every row, and PPO stores
``r + γ·V(final_obs)`` on exactly the time-limited steps."""

from __future__ import annotations

import math

import pytest
import torch

from embodichain_rl.algorithms import PPO
from embodichain_rl.algorithms.time_limit_bootstrap import (
    TimeLimitBootstrap,
    time_limited_capacity,
)
from embodichain_rl.envs.push_cube import PushCubeEnv
from embodichain_rl.policies import ActorCritic, policy_space_kwargs
from tests.algorithms.test_rollout_bootstrap import CountingEnv


def test_capacity_is_one_row_per_env_per_started_time_limit_window() -> None:
    assert time_limited_capacity(PushCubeEnv(num_envs=4, max_episode_steps=100), 16) == 4
    assert time_limited_capacity(PushCubeEnv(num_envs=4, max_episode_steps=6), 8) == 8
    assert time_limited_capacity(PushCubeEnv(num_envs=4, max_episode_steps=2), 8) == 16
    assert time_limited_capacity(PushCubeEnv(num_envs=4, max_episode_steps=1), 8) == 32
    assert time_limited_capacity(PushCubeEnv(num_envs=4, max_episode_steps=None), 8) == 32
    # An env that does not promise time-limit-only truncation: every row.
    assert time_limited_capacity(CountingEnv(), 5) == 15


def _value(rows: torch.Tensor) -> torch.Tensor:
    return rows.sum(1) * 3.0 + 1.0


@pytest.mark.parametrize("capacity", [4, 6, 35])
def test_gathered_values_equal_the_critic_on_every_row(capacity: int) -> None:
    torch.manual_seed(0)
    bootstrap = TimeLimitBootstrap(num_steps=5, num_envs=7, obs_dim=3, device=torch.device("cpu"))
    terminated = torch.zeros(5, 7, dtype=torch.bool)
    truncated = torch.zeros(5, 7, dtype=torch.bool)
    truncated[0, 0] = True  # row 0 itself: padding entries also point there
    truncated[2, 3] = truncated[4, 6] = truncated[3, 1] = True
    terminated[3, 1] = True  # truncated and terminated: not time-limited
    truncated[1, 5] = True
    for t in range(5):
        bootstrap.record(t, torch.randn(7, 3), terminated[t], truncated[t])
    expected = torch.where(
        truncated & ~terminated, _value(bootstrap.final_obs.view(35, 3)).view(5, 7), 0.0
    )
    torch.testing.assert_close(bootstrap.values(_value, capacity), expected)
    assert int((truncated & ~terminated).sum()) == 4  # capacity 4 holds them exactly


def test_push_cube_truncates_each_env_at_most_once_per_time_limit() -> None:
    limit, steps = 3, 10
    env = PushCubeEnv(num_envs=16, max_episode_steps=limit)
    env.reset(seed=1)
    counts = torch.zeros(16, dtype=torch.int64)
    generator = torch.Generator().manual_seed(0)
    for t in range(limit - 1 + steps):  # the window starts one step before a time limit
        action = torch.rand(16, env.action_dim, generator=generator) * 2 - 1
        _, _, terminated, truncated, _ = env.step(action)
        if t >= limit - 1:
            counts += (truncated & ~terminated).long()
    assert counts.max() == math.ceil(steps / limit)  # reached, never exceeded


def test_ppo_stores_the_bootstrap_on_exactly_the_time_limited_steps() -> None:
    """PushCube with a 6-step limit and 8-step rollouts takes the gathered path (capacity
    2 x 32 of 8 x 32 rows); the buffer must hold r + γ·V(final_obs) there and r elsewhere."""
    torch.manual_seed(0)
    env = PushCubeEnv(num_envs=32, max_episode_steps=6)
    policy = ActorCritic(**policy_space_kwargs(env))
    gamma = 0.9
    algo = PPO(policy=policy, device="cpu", gamma=gamma, normalize_reward=False)
    algo.initialize_buffer(8, env.num_envs, env.obs_dim, env.action_dim)
    assert time_limited_capacity(env, 8) < 8 * env.num_envs
    raw, expected_bootstrap = [], []

    def record(reward, terminated, truncated, info):
        raw.append(reward.clone())
        value = policy.get_value(info["final_obs"])
        expected_bootstrap.append(torch.where(truncated & ~terminated, gamma * value, 0.0))

    obs, _ = env.reset(seed=0)
    algo.collect_rollout(env, obs, on_step=record)
    buffer = algo.buffer
    assert buffer is not None
    bootstrap = torch.stack(expected_bootstrap)
    assert (bootstrap != 0).sum() >= env.num_envs // 2  # most episodes hit the limit
    torch.testing.assert_close(buffer.rewards, torch.stack(raw) + bootstrap)
