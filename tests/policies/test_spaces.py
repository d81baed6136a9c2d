"""``policy_space_kwargs``: what a policy learns about an env's spaces, and the Gymnasium
adapter's discrete action conventions it relies on."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
import pytest
import torch

from embodichain_rl.envs.gym_adapter import GymnasiumEnv
from embodichain_rl.envs.push_cube import PushCubeEnv
from embodichain_rl.policies import ActorCritic, policy_space_kwargs
from embodichain_rl.policies.spaces import action_nvec

MULTI_ID = "EmbodichainMultiDiscreteEcho-v0"
SHIFTED_ID = "EmbodichainShiftedDiscreteEcho-v0"


class ActionEcho(gym.Env[np.ndarray, Any]):
    """Observes the (env-valued) action it was given, as floats."""

    def __init__(self, action_space: gym.spaces.Space[Any], obs_size: int) -> None:
        self.action_space = action_space
        self.observation_space = gym.spaces.Box(-10.0, 10.0, (obs_size,), np.float32)

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        super().reset(seed=seed)
        return np.zeros(self.observation_space.shape, dtype=np.float32), {}

    def step(self, action: Any) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        obs = np.asarray(action, dtype=np.float32).reshape(self.observation_space.shape)
        return obs, 0.0, False, False, {}


gym.register(
    MULTI_ID,
    entry_point=lambda: ActionEcho(gym.spaces.MultiDiscrete([3, 4], start=[1, -2]), 2),
    max_episode_steps=5,
)
gym.register(
    SHIFTED_ID,
    entry_point=lambda: ActionEcho(gym.spaces.Discrete(3, start=-1), 1),
    max_episode_steps=5,
)


def test_box_discrete_and_multidiscrete_spaces_become_choices_per_component() -> None:
    assert action_nvec(gym.spaces.Box(-1.0, 1.0, (3,))) is None
    assert action_nvec(gym.spaces.Discrete(7)) == [7]
    assert action_nvec(gym.spaces.MultiDiscrete([[2, 3], [4, 5]])) == [2, 3, 4, 5]
    with pytest.raises(ValueError, match=r"Box, Discrete or MultiDiscrete.*Text"):
        action_nvec(gym.spaces.Text(5))


def test_push_cube_is_continuous() -> None:
    env = PushCubeEnv(num_envs=2, control_mode="ee_delta_pos")
    assert policy_space_kwargs(env) == {
        "obs_dim": env.obs_dim,
        "action_dim": 3,
        "action_nvec": None,
    }


def test_cartpole_gets_a_categorical_policy() -> None:
    env = GymnasiumEnv(gym_id="CartPole-v1", num_envs=2)
    try:
        kwargs = policy_space_kwargs(env)
        assert kwargs == {"obs_dim": 4, "action_dim": 1, "action_nvec": [2]}
        policy = ActorCritic(**kwargs)
        obs, _ = env.reset(seed=0)
        action, _, _ = policy.get_action(obs)
        assert action.shape == (2, 1) and action.dtype == torch.int64
        env.step(action)
    finally:
        env.close()


def test_multidiscrete_indices_are_clipped_per_component_and_shifted_by_start() -> None:
    env = GymnasiumEnv(gym_id=MULTI_ID, num_envs=3)
    try:
        assert policy_space_kwargs(env) == {"obs_dim": 2, "action_dim": 2, "action_nvec": [3, 4]}
        assert env.single_action_space == gym.spaces.MultiDiscrete([3, 4])
        assert env.action_space == gym.spaces.MultiDiscrete([[3, 4]] * 3)
        env.reset(seed=0)
        obs = env.step(torch.tensor([[2, 3], [0, 0], [5, -1]]))[0]
        # indices clipped to [0, 2] x [0, 3], then start [1, -2] added
        assert obs.tolist() == [[3.0, 1.0], [1.0, -2.0], [3.0, -2.0]]
    finally:
        env.close()


def test_discrete_indices_are_zero_based_whatever_the_start() -> None:
    env = GymnasiumEnv(gym_id=SHIFTED_ID, num_envs=3)
    try:
        assert env.single_action_space == gym.spaces.Discrete(3)
        env.reset(seed=0)
        obs = env.step(torch.tensor([[0], [2], [7]]))[0]
        assert obs[:, 0].tolist() == [-1.0, 1.0, 1.0]
    finally:
        env.close()
