"""``ReplayBuffer``: a preallocated on-device ring of transitions with n-step sampling."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch


@dataclass
class ReplayBatch:
    """Transitions sampled for one gradient step (``B`` rows, all on the buffer's device).

    The learner's target is ``rewards + bootstrap * V_target(next_obs)``.
    """

    obs: torch.Tensor
    """Raw observations ``[B, O]`` (normalise at use)."""
    actions: torch.Tensor
    """Actions taken ``[B, A]``, in the env's units."""
    rewards: torch.Tensor
    """Discounted sum of the ``k <= n_step`` rewards up to the episode's end or the
    n-th step, ``[B]``."""
    next_obs: torch.Tensor
    """The true observation after those ``k`` steps ``[B, O]`` (``info["final_obs"]``
    where the episode ended)."""
    bootstrap: torch.Tensor
    """``gamma**k``, or 0 where the episode terminated within the ``k`` steps ``[B]``
    (truncation by the time limit still bootstraps)."""


class ReplayBuffer:
    """``rows = capacity // num_envs`` vectorised steps of ``num_envs`` envs, overwritten
    oldest first.

    Row ``t`` holds, per env, ``obs``, ``action``, ``reward``, the TRUE next observation,
    ``terminated`` and ``truncated`` (kept apart: only termination stops bootstrapping).
    Sampling draws ``(row, env)`` uniformly among the stored transitions and follows the
    env's next rows for up to ``n_step`` steps, stopping after a step that ended the episode
    or at the newest row. Everything stays on ``device``; the fill counters are host ints
    (one per ``add``), so neither ``add`` nor ``sample`` synchronises.
    """

    def __init__(
        self,
        *,
        capacity: int,
        num_envs: int,
        obs_dim: int,
        action_dim: int,
        device: torch.device | str,
        gamma: float = 0.99,
        n_step: int = 1,
    ) -> None:
        if num_envs < 1 or obs_dim < 1 or action_dim < 1:
            raise ValueError(
                f"ReplayBuffer needs positive sizes, got num_envs={num_envs}, "
                f"obs_dim={obs_dim}, action_dim={action_dim}"
            )
        if n_step < 1:
            raise ValueError(f"ReplayBuffer: n_step must be >= 1, got {n_step}")
        rows = capacity // num_envs
        if rows < n_step:
            raise ValueError(
                f"ReplayBuffer: capacity {capacity} holds {rows} steps of {num_envs} envs, "
                f"fewer than n_step={n_step}"
            )
        self.rows = rows
        """Vectorised steps the ring holds."""
        self.num_envs = num_envs
        """Envs per row."""
        self.gamma = float(gamma)
        """Discount of the n-step sums."""
        self.n_step = int(n_step)
        """Longest reward sum per sample."""
        self.device = torch.device(device)
        shape = (rows, num_envs)
        self.obs = torch.zeros((*shape, obs_dim), device=self.device)
        self.actions = torch.zeros((*shape, action_dim), device=self.device)
        self.rewards = torch.zeros(shape, device=self.device)
        self.next_obs = torch.zeros((*shape, obs_dim), device=self.device)
        self.terminated = torch.zeros(shape, dtype=torch.bool, device=self.device)
        self.truncated = torch.zeros(shape, dtype=torch.bool, device=self.device)
        self.pos = 0
        """Row the next ``add`` writes."""
        self.filled_rows = 0
        """Rows written so far, at most ``rows``."""
        self._discounts = self.gamma ** torch.arange(self.n_step + 1, device=self.device)

    @property
    def capacity(self) -> int:
        """Transitions the ring holds when full."""
        return self.rows * self.num_envs

    def __len__(self) -> int:
        """Transitions stored."""
        return self.filled_rows * self.num_envs

    @torch.no_grad()
    def add(
        self,
        obs: torch.Tensor,
        actions: torch.Tensor,
        rewards: torch.Tensor,
        next_obs: torch.Tensor,
        terminated: torch.Tensor,
        truncated: torch.Tensor,
    ) -> None:
        """Store one vectorised step (``[num_envs, ...]`` each; ``next_obs`` the true next
        observation)."""
        t = self.pos
        self.obs[t] = obs
        self.actions[t] = actions.to(self.actions.dtype).reshape(self.actions[t].shape)
        self.rewards[t] = rewards
        self.next_obs[t] = next_obs
        self.terminated[t] = terminated
        self.truncated[t] = truncated
        self.pos = (t + 1) % self.rows
        self.filled_rows = min(self.filled_rows + 1, self.rows)

    @torch.no_grad()
    def sample(self, batch_size: int, generator: torch.Generator | None = None) -> ReplayBatch:
        """``batch_size`` transitions drawn uniformly (with replacement) as n-step samples."""
        if self.filled_rows == 0:
            raise RuntimeError("ReplayBuffer.sample: the buffer is empty")
        flat = torch.randint(len(self), (batch_size,), generator=generator, device=self.device)
        # Row 0 of the stored history is the oldest: map it to the ring's row.
        oldest = (self.pos - self.filled_rows) % self.rows
        age = flat // self.num_envs
        env = flat % self.num_envs
        row = (oldest + age) % self.rows
        return self._n_step_batch(row, env, newer=self.filled_rows - 1 - age)

    def _n_step_batch(
        self, row: torch.Tensor, env: torch.Tensor, newer: torch.Tensor
    ) -> ReplayBatch:
        """The n-step samples starting at ``(row, env)``; ``newer`` counts the rows stored
        after each start (a sum never reads past the newest row)."""
        reward_sum = torch.zeros(row.shape, device=self.device)
        alive = torch.ones(row.shape, dtype=torch.bool, device=self.device)
        steps = torch.zeros(row.shape, dtype=torch.long, device=self.device)
        terminated = torch.zeros(row.shape, dtype=torch.bool, device=self.device)
        last_row = row
        for k in range(self.n_step):
            r = (row + k) % self.rows
            take = alive & (k <= newer) if k else alive
            reward_sum = reward_sum + torch.where(
                take, self._discounts[k] * self.rewards[r, env], torch.zeros_like(reward_sum)
            )
            steps = steps + take.long()
            last_row = torch.where(take, r, last_row)
            ended_term = self.terminated[r, env]
            ended = ended_term | self.truncated[r, env]
            terminated = terminated | (take & ended_term)
            alive = take & ~ended
        bootstrap = torch.where(terminated, torch.zeros_like(reward_sum), self._discounts[steps])
        return ReplayBatch(
            obs=self.obs[row, env],
            actions=self.actions[row, env],
            rewards=reward_sum,
            next_obs=self.next_obs[last_row, env],
            bootstrap=bootstrap,
        )

    def state_dict(self) -> dict[str, Any]:
        """The stored transitions (only the filled rows) and the ring's counters."""
        keep = slice(0, self.filled_rows)
        return {
            "rows": self.rows,
            "num_envs": self.num_envs,
            "pos": self.pos,
            "filled_rows": self.filled_rows,
            "obs": self.obs[keep].clone(),
            "actions": self.actions[keep].clone(),
            "rewards": self.rewards[keep].clone(),
            "next_obs": self.next_obs[keep].clone(),
            "terminated": self.terminated[keep].clone(),
            "truncated": self.truncated[keep].clone(),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what ``state_dict`` returned (same ring size and env count)."""
        if int(state["rows"]) != self.rows or int(state["num_envs"]) != self.num_envs:
            raise ValueError(
                f"saved replay buffer holds {state['rows']} steps x {state['num_envs']} envs, "
                f"this one {self.rows} x {self.num_envs}: resume with the same "
                "algorithm.buffer_size and env.num_envs"
            )
        filled = int(state["filled_rows"])
        for name in ("obs", "actions", "rewards", "next_obs", "terminated", "truncated"):
            getattr(self, name)[:filled] = state[name].to(self.device)
        self.pos = int(state["pos"])
        self.filled_rows = filled
