"""Preallocated on-device storage for one on-policy rollout of ``T`` steps × ``N`` envs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gymnasium as gym
import torch

from embodichain_rl.utils.observations import (
    Observation,
    ObservationLayout,
    allocate_observation,
    copy_observation_,
    index_observation,
    map_observation,
    merge_time_and_envs,
)

Batch = dict[str, Any]
"""A minibatch: field name -> tensor ``[batch_size, ...]`` (``obs``: a dict of such tensors
for a dict-observation env)."""


class RolloutBuffer:
    """``[T, N, ...]`` tensors allocated once on ``device``; each step writes one slot.

    Fields filled by ``add``: ``obs [T, N, obs_dim]`` (for a dict-observation env a dict of
    ``[T, N, *shape]`` tensors, images kept in ``uint8``: a policy converts them on the
    fly), ``actions [T, N, action_dim]`` (of
    ``action_dtype``: int64 keeps discrete actions exact), ``log_probs``, ``rewards``,
    ``dones`` (float 0/1: the episode ended at this step, by termination or truncation)
    and ``values`` (all ``[T, N]``). ``advantages`` and
    ``returns`` (``[T, N]``, also preallocated) and any other named per-step tensor are
    attached after collection with ``set_extras``. ``minibatches`` flattens every field to
    ``[T * N, ...]`` and yields random index-gathered batches without touching the host.
    """

    def __init__(
        self,
        *,
        num_steps: int,
        num_envs: int,
        obs_dim: ObservationLayout,
        action_dim: int,
        device: torch.device | str,
        action_dtype: torch.dtype = torch.float32,
    ) -> None:
        flat_dim = 1 if isinstance(obs_dim, gym.spaces.Dict) else obs_dim
        if min(num_steps, num_envs, flat_dim, action_dim) < 1:
            raise ValueError(
                "RolloutBuffer sizes must be positive, got "
                f"num_steps={num_steps}, num_envs={num_envs}, "
                f"obs_dim={obs_dim}, action_dim={action_dim}"
            )
        self.num_steps = num_steps
        """Rollout length ``T`` (env steps per env)."""
        self.num_envs = num_envs
        """Number of parallel envs ``N``."""
        self.device = torch.device(device)
        """Device holding every tensor."""
        t, n, dev = num_steps, num_envs, self.device
        self.obs: Observation = allocate_observation(obs_dim, (t, n), dev)
        """Observations the actions were taken from, ``[T, N, obs_dim]`` (or a dict of
        ``[T, N, *shape]``: ``obs_dim`` is then the single-env ``Dict`` space)."""
        self.actions = torch.zeros(t, n, action_dim, dtype=action_dtype, device=dev)
        """Actions as sampled (before any env clipping), ``[T, N, action_dim]``, stored in
        the policy's ``action_dtype`` so integer actions round-trip exactly."""
        self.log_probs = torch.zeros(t, n, device=dev)
        """Log-probability of each action under the rollout policy."""
        self.rewards = torch.zeros(t, n, device=dev)
        """Rewards as the algorithm stores them (PPO adds the truncation bootstrap)."""
        self.dones = torch.zeros(t, n, device=dev)
        """1.0 where the episode ended at this step (terminated or truncated), else 0.0."""
        self.values = torch.zeros(t, n, device=dev)
        """Critic values of ``obs`` at collection time."""
        self.advantages = torch.zeros(t, n, device=dev)
        """Advantages, filled by ``set_extras`` after collection."""
        self.returns = torch.zeros(t, n, device=dev)
        """Value targets, filled by ``set_extras`` after collection."""
        self.data: dict[str, Any] = {
            "obs": self.obs,
            "actions": self.actions,
            "log_probs": self.log_probs,
            "rewards": self.rewards,
            "dones": self.dones,
            "values": self.values,
            "advantages": self.advantages,
            "returns": self.returns,
        }
        """Every stored field by name (the same tensors as the attributes), ``[T, N, ...]``."""
        self.step = 0
        """Next slot ``add`` writes (a host counter, never a device value)."""

    @property
    def batch_size(self) -> int:
        """Samples in a full rollout, ``T * N``."""
        return self.num_steps * self.num_envs

    @property
    def full(self) -> bool:
        """Whether every slot has been written since the last ``reset``."""
        return self.step == self.num_steps

    def reset(self) -> None:
        """Start writing at slot 0 again (the tensors are reused, not reallocated)."""
        self.step = 0

    def add(
        self,
        *,
        obs: Observation,
        actions: torch.Tensor,
        log_probs: torch.Tensor,
        rewards: torch.Tensor,
        dones: torch.Tensor,
        values: torch.Tensor,
    ) -> None:
        """Copy one env step (``[N, ...]`` tensors) into slot ``step`` and advance it."""
        if self.step >= self.num_steps:
            raise RuntimeError(
                f"RolloutBuffer is full ({self.num_steps} steps); call reset() first"
            )
        slot = self.step
        copy_observation_(map_observation(lambda stored: stored[slot], self.obs), obs)
        self.actions[slot].copy_(actions)
        self.log_probs[slot].copy_(log_probs)
        self.rewards[slot].copy_(rewards)
        self.dones[slot].copy_(dones)
        self.values[slot].copy_(values)
        self.step += 1

    def set_extras(self, **tensors: torch.Tensor) -> None:
        """Attach per-step tensors computed after collection, each ``[T, N, ...]``.

        An existing field (e.g. ``advantages``, ``returns``) is overwritten in place; a new
        name is stored as a copy on the buffer's device and from then on is sliced into
        every minibatch like the core fields.
        """
        for name, tensor in tensors.items():
            if tuple(tensor.shape[:2]) != (self.num_steps, self.num_envs):
                raise ValueError(
                    f"extra {name!r} must be [T={self.num_steps}, N={self.num_envs}, ...], "
                    f"got {list(tensor.shape)}"
                )
            current = self.data.get(name)
            if name == "obs":
                raise ValueError("set_extras cannot replace the stored observations")
            if current is not None:
                if current.shape != tensor.shape:
                    raise ValueError(
                        f"extra {name!r} must keep shape {list(current.shape)}, "
                        f"got {list(tensor.shape)}"
                    )
                current.copy_(tensor)
            else:
                self.data[name] = tensor.detach().to(self.device, copy=True)

    def flat(self) -> Batch:
        """Every field viewed as ``[T * N, ...]`` (no copy)."""
        return {
            k: merge_time_and_envs(v) if isinstance(v, dict) else v.reshape(-1, *v.shape[2:])
            for k, v in self.data.items()
        }

    def minibatches(
        self, batch_size: int, *, generator: torch.Generator | None = None
    ) -> Iterator[Batch]:
        """One epoch of random minibatches of exactly ``batch_size`` samples.

        Indices come from ``torch.randperm`` on the buffer's device (seeded by ``generator``,
        which must live on that device). When ``T * N`` is not a multiple of ``batch_size``
        the last partial minibatch is dropped: every minibatch has the same shape (friendly
        to ``torch.compile`` / CUDA graphs and to equal-weight loss means), and the dropped
        samples change from epoch to epoch with the permutation.
        """
        total = self.batch_size
        if not 1 <= batch_size <= total:
            raise ValueError(
                f"minibatch size {batch_size} must be in [1, T*N={total}] "
                f"(T={self.num_steps}, N={self.num_envs})"
            )
        flat = self.flat()
        perm = torch.randperm(total, device=self.device, generator=generator)
        for start in range(0, total - batch_size + 1, batch_size):
            idx = perm[start : start + batch_size]
            yield {k: index_observation(v, idx) for k, v in flat.items()}
