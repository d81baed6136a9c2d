"""A tiny batched env for PPO tests (not collected: no test functions here)."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
import torch

from embodichain_rl.envs.base import EmbodiedEnv, StepResult

EPISODE = 16


class MoveToTarget(EmbodiedEnv):
    """A point on a line moves by 0.25 * clip(action, -1, 1) per step toward a random target
    in [-1, 1]; obs = [target - position]; reward = -|target - position| after the move;
    episodes are truncated after ``max_episode_steps`` (never terminated)."""

    def __init__(self, *, num_envs: int, device: str = "cpu", max_episode_steps: int = EPISODE):
        self.num_envs = num_envs
        self.device = torch.device(device)
        self.max_episode_steps = max_episode_steps
        self.single_observation_space = gym.spaces.Box(-np.inf, np.inf, (1,), np.float32)
        self.single_action_space = gym.spaces.Box(-1.0, 1.0, (1,), np.float32)
        self.generator = torch.Generator(device=self.device)
        self.pos = torch.zeros(num_envs, device=self.device)
        self.target = torch.zeros(num_envs, device=self.device)
        self.steps = torch.zeros(num_envs, device=self.device)

    def _obs(self) -> torch.Tensor:
        return (self.target - self.pos)[:, None]

    def _respawn(self, mask: torch.Tensor) -> None:
        fresh = torch.rand(self.num_envs, generator=self.generator, device=self.device) * 2 - 1
        self.target = torch.where(mask, fresh, self.target)
        self.pos = torch.where(mask, torch.zeros_like(self.pos), self.pos)
        self.steps = torch.where(mask, torch.zeros_like(self.steps), self.steps)

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[torch.Tensor, dict[str, Any]]:
        if seed is not None:
            self.generator.manual_seed(seed)
        self._respawn(torch.ones(self.num_envs, dtype=torch.bool, device=self.device))
        return self._obs(), {}

    def step(self, action: torch.Tensor) -> StepResult:
        self.pos = self.pos + 0.25 * action[:, 0].clamp(-1.0, 1.0)
        self.steps += 1
        final_obs = self._obs()
        reward = -final_obs[:, 0].abs()
        truncated = self.steps >= self.max_episode_steps
        terminated = torch.zeros_like(truncated)
        self._respawn(truncated)
        info = {"final_obs": final_obs, "rewards": {"distance": reward}, "metrics": {}}
        return self._obs(), reward, terminated, truncated, info


class StepToTarget(EmbodiedEnv):
    """``MoveToTarget`` in ``dims`` dimensions with discrete moves: component ``i`` of the
    action picks -0.25, 0 or +0.25 along axis ``i`` (indices 0, 1, 2), so the action space is
    ``Discrete(3)`` for one dimension, ``MultiDiscrete([3] * dims)`` otherwise; obs = target
    - position; reward = -|target - position|_1 after the move; truncated after
    ``max_episode_steps``."""

    def __init__(
        self, *, num_envs: int, dims: int = 1, device: str = "cpu", max_episode_steps: int = EPISODE
    ):
        self.num_envs = num_envs
        self.device = torch.device(device)
        self.max_episode_steps = max_episode_steps
        self.single_observation_space = gym.spaces.Box(-np.inf, np.inf, (dims,), np.float32)
        self.single_action_space = (  # type: ignore[assignment]
            gym.spaces.Discrete(3) if dims == 1 else gym.spaces.MultiDiscrete([3] * dims)
        )
        self.generator = torch.Generator(device=self.device)
        self.pos = torch.zeros(num_envs, dims, device=self.device)
        self.target = torch.zeros(num_envs, dims, device=self.device)
        self.steps = torch.zeros(num_envs, device=self.device)

    def _respawn(self, mask: torch.Tensor) -> None:
        shape = self.target.shape
        fresh = torch.rand(shape, generator=self.generator, device=self.device) * 2 - 1
        self.target = torch.where(mask[:, None], fresh, self.target)
        self.pos = torch.where(mask[:, None], torch.zeros_like(self.pos), self.pos)
        self.steps = torch.where(mask, torch.zeros_like(self.steps), self.steps)

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[torch.Tensor, dict[str, Any]]:
        if seed is not None:
            self.generator.manual_seed(seed)
        self._respawn(torch.ones(self.num_envs, dtype=torch.bool, device=self.device))
        return self.target - self.pos, {}

    def step(self, action: torch.Tensor) -> StepResult:
        moves = action.reshape(self.pos.shape).to(self.pos.dtype).clamp(0, 2) - 1.0
        self.pos = self.pos + 0.25 * moves
        self.steps += 1
        final_obs = self.target - self.pos
        reward = -final_obs.abs().sum(dim=1)
        truncated = self.steps >= self.max_episode_steps
        terminated = torch.zeros_like(truncated)
        self._respawn(truncated)
        info = {"final_obs": final_obs, "rewards": {"distance": reward}, "metrics": {}}
        return self.target - self.pos, reward, terminated, truncated, info
