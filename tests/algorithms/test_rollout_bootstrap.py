"""PPO.collect_rollout: time-limit bootstrap from final_obs, episode boundaries, end bootstrap."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
import torch
from torch import nn

from embodichain_rl.algorithms import PPO
from embodichain_rl.envs.base import EmbodiedEnv, StepResult
from embodichain_rl.policies.base import Policy


class CountingEnv(EmbodiedEnv):
    """obs = steps taken in the current episode; reward 1 per step; every episode ends when
    the count reaches 2. Env 0 is truncated (time limit), env 1 terminated, env 2 both."""

    def __init__(self, *, num_envs: int = 3, device: str = "cpu") -> None:
        self.num_envs = num_envs
        self.device = torch.device(device)
        self.single_observation_space = gym.spaces.Box(-np.inf, np.inf, (1,), np.float32)
        self.single_action_space = gym.spaces.Box(-1.0, 1.0, (1,), np.float32)
        self.count = torch.zeros(num_envs, device=self.device)
        self.terminates = torch.tensor([False, True, True], device=self.device)
        self.truncates = torch.tensor([True, False, True], device=self.device)

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[torch.Tensor, dict[str, Any]]:
        self.count.zero_()
        return self.count[:, None].clone(), {}

    def step(self, action: torch.Tensor) -> StepResult:
        self.count += 1.0
        final_obs = self.count[:, None].clone()
        ended = self.count == 2.0
        terminated = ended & self.terminates
        truncated = ended & self.truncates
        self.count = torch.where(ended, torch.zeros_like(self.count), self.count)
        reward = torch.ones(self.num_envs, device=self.device)
        info = {"final_obs": final_obs, "rewards": {"alive": reward}, "metrics": {}}
        return self.count[:, None].clone(), reward, terminated, truncated, info


class CountValuePolicy(Policy):
    """Zero actions; V(obs) = 10 + obs[0]."""

    def __init__(self) -> None:
        super().__init__()
        self.unused = nn.Parameter(torch.zeros(1))

    def get_value(self, obs: torch.Tensor) -> torch.Tensor:
        return 10.0 + obs[:, 0]

    def get_action(
        self, obs: torch.Tensor, deterministic: bool = False
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        n = obs.shape[0]
        return torch.zeros(n, 1), torch.zeros(n), self.get_value(obs)

    def evaluate_actions(
        self, obs: torch.Tensor, actions: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        n = obs.shape[0]
        return torch.zeros(n), torch.zeros(n), self.get_value(obs)


def test_rollout_bootstraps_truncation_only_and_from_the_last_obs() -> None:
    env = CountingEnv()
    algo = PPO(
        policy=CountValuePolicy(),
        device="cpu",
        gamma=0.5,
        gae_lambda=0.5,
        normalize_advantage=False,
        normalize_reward=False,  # raw rewards: the hand-computed targets below
        num_minibatches=3,
    )
    algo.initialize_buffer(3, env.num_envs, env.obs_dim, env.action_dim)
    raw_rewards: list[torch.Tensor] = []
    obs, _ = env.reset()

    last_obs = algo.collect_rollout(env, obs, on_step=lambda r, te, tr, info: raw_rewards.append(r))

    buf = algo.buffer
    assert buf is not None
    # Counts seen: step0 obs 0 -> 1, step1 obs 1 -> 2 (episode ends, reset to 0), step2 obs 0 -> 1.
    torch.testing.assert_close(buf.obs[:, :, 0], torch.tensor([[0.0] * 3, [1.0] * 3, [0.0] * 3]))
    torch.testing.assert_close(last_obs[:, 0], torch.ones(3))
    torch.testing.assert_close(buf.values, torch.tensor([[10.0] * 3, [11.0] * 3, [10.0] * 3]))
    # Only env 0 (truncated, not terminated) gets 1 + gamma * V(final_obs=2) = 1 + 0.5*12 = 7.
    torch.testing.assert_close(
        buf.rewards, torch.tensor([[1.0, 1.0, 1.0], [7.0, 1.0, 1.0], [1.0, 1.0, 1.0]])
    )
    torch.testing.assert_close(buf.dones, torch.tensor([[0.0] * 3, [1.0] * 3, [0.0] * 3]))
    # on_step sees the env's raw reward, once per step.
    assert len(raw_rewards) == 3
    torch.testing.assert_close(torch.stack(raw_rewards), torch.ones(3, 3))
    # GAE, gamma = lambda = 0.5 (gamma*lambda = 0.25), rollout end bootstraps V(count 1) = 11:
    #   t=2: delta = 1 + 0.5*11 - 10 = -3.5                       A2 = -3.5 (all envs)
    #   t=1 env0: delta = 7 - 11 = -4                             A1 = -4
    #   t=1 env1/2: delta = 1 - 11 = -10                          A1 = -10
    #   t=0 env0: delta = 1 + 0.5*11 - 10 = -3.5                  A0 = -3.5 + 0.25*(-4) = -4.5
    #   t=0 env1/2:                                               A0 = -3.5 + 0.25*(-10) = -6
    expected_adv = torch.tensor([[-4.5, -6.0, -6.0], [-4.0, -10.0, -10.0], [-3.5, -3.5, -3.5]])
    torch.testing.assert_close(buf.advantages, expected_adv)
    torch.testing.assert_close(buf.returns, expected_adv + buf.values)
