"""``ReplayBuffer``: a preallocated on-device ring of transitions with n-step sampling."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import torch

from embodichain_rl.utils.observations import (
    Observation,
    ObservationLayout,
    allocate_observation,
    copy_observation_,
    map_observation,
)


@dataclass
class ReplayBatch:
    """Transitions sampled for one gradient step (``B`` rows, all on the buffer's device).

    The learner's target is ``rewards + bootstrap * V_target(next_obs)``.
    """

    obs: Observation
    """Raw observations ``[B, O]``, or a dict of ``[B, *shape]`` (images ``uint8``;
    normalise and augment at use)."""
    actions: torch.Tensor
    """Actions taken ``[B, A]``, in the env's units."""
    rewards: torch.Tensor
    """Discounted sum of the ``k <= n_step`` rewards up to the episode's end or the
    n-th step, ``[B]``."""
    next_obs: Observation
    """The true observation after those ``k`` steps, shaped like ``obs``
    (``info["final_obs"]`` where the episode ended)."""
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

    ``obs_dim`` is the flat observation length, or the single-env ``gymnasium.spaces.Dict``
    of a dict-observation env (an :data:`ObservationLayout`): ``obs`` and ``next_obs`` are
    then dicts of ``[rows, num_envs, *shape]`` tensors, images kept ``uint8`` (a 48 x 48 RGB
    transition takes 2 x 6,912 bytes: size ``capacity`` with that in mind).
    """

    def __init__(
        self,
        *,
        capacity: int,
        num_envs: int,
        obs_dim: ObservationLayout,
        action_dim: int,
        device: torch.device | str,
        gamma: float = 0.99,
        n_step: int = 1,
    ) -> None:
        flat_dim = 1 if isinstance(obs_dim, gym.spaces.Dict) else obs_dim
        if num_envs < 1 or flat_dim < 1 or action_dim < 1:
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
        self.obs: Observation = allocate_observation(obs_dim, shape, self.device)
        """Observations ``[rows, num_envs, O]`` (or a dict of ``[rows, num_envs, *shape]``)."""
        self.actions = torch.zeros((*shape, action_dim), device=self.device)
        self.rewards = torch.zeros(shape, device=self.device)
        self.next_obs: Observation = allocate_observation(obs_dim, shape, self.device)
        """True next observations, shaped like ``obs``."""
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
        obs: Observation,
        actions: torch.Tensor,
        rewards: torch.Tensor,
        next_obs: Observation,
        terminated: torch.Tensor,
        truncated: torch.Tensor,
    ) -> None:
        """Store one vectorised step (``[num_envs, ...]`` each; ``next_obs`` the true next
        observation)."""
        t = self.pos
        _write_row(self.obs, t, obs)
        self.actions[t] = actions.to(self.actions.dtype).reshape(self.actions[t].shape)
        self.rewards[t] = rewards
        _write_row(self.next_obs, t, next_obs)
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
            obs=_gather(self.obs, row, env),
            actions=self.actions[row, env],
            rewards=reward_sum,
            next_obs=_gather(self.next_obs, last_row, env),
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
            "obs": _rows(self.obs, keep),
            "actions": self.actions[keep].clone(),
            "rewards": self.rewards[keep].clone(),
            "next_obs": _rows(self.next_obs, keep),
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
        for name in ("obs", "next_obs"):
            _load_rows(getattr(self, name), state[name], filled, name)
        for name in ("actions", "rewards", "terminated", "truncated"):
            getattr(self, name)[:filled] = state[name].to(self.device)
        self.pos = int(state["pos"])
        self.filled_rows = filled


def _write_row(storage: Observation, t: int, value: Observation) -> None:
    """Copy one step's observation ``[num_envs, ...]`` (same structure) into row ``t``."""
    copy_observation_(map_observation(lambda tensor: tensor[t], storage), value)


def _gather(storage: Observation, row: torch.Tensor, env: torch.Tensor) -> Observation:
    """The observations at ``(row, env)`` pairs, ``[B, ...]`` (a dict stays a dict)."""
    if isinstance(storage, dict):
        return {key: tensor[row, env] for key, tensor in storage.items()}
    return storage[row, env]


def _rows(storage: Observation, keep: slice) -> Observation:
    """A copy of rows ``keep`` of every tensor."""
    if isinstance(storage, dict):
        return {key: tensor[keep].clone() for key, tensor in storage.items()}
    return storage[keep].clone()


def _load_rows(storage: Observation, saved: Observation, filled: int, name: str) -> None:
    """Write saved rows ``[:filled]`` back (same structure and keys), on this device."""
    if isinstance(storage, dict) != isinstance(saved, dict) or (
        isinstance(storage, dict) and storage.keys() != saved.keys()  # type: ignore[union-attr]
    ):
        raise ValueError(
            f"saved replay buffer {name} does not match this env's observations: resume with "
            "the same env.obs_mode and camera"
        )
    if isinstance(storage, dict):
        assert isinstance(saved, dict)
        for key, tensor in storage.items():
            tensor[:filled] = saved[key].to(tensor.device)
        return
    assert isinstance(saved, torch.Tensor)
    storage[:filled] = saved.to(storage.device)
