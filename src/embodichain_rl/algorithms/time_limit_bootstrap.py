"""The critic's value of the observations where the time limit cut an episode, computed once
per rollout instead of once per step.

The truncation bootstrap ``γ·V(final_obs)`` matters only on the steps where an env hit its
time limit, a small share of the rollout. The rollout records every step's ``final_obs``
and time-limit mask; at its end one critic pass covers the recorded rows. Where the env
promises that only its time limit truncates (``EmbodiedEnv.truncates_only_at_time_limit``),
an env truncates at most ``ceil(T / max_episode_steps)`` times in ``T`` steps, so a
fixed-size gather of ``num_envs`` times that many rows holds every time-limited row: no host
sync, and the values are the ones a per-step pass would give (the critic and the observation
normaliser do not change during a rollout). Any other env gets one pass over all rows.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from embodichain_rl.envs.base import EmbodiedEnv
from embodichain_rl.utils.observations import (
    Observation,
    ObservationLayout,
    allocate_observation,
    copy_observation_,
    index_observation,
    map_observation,
    merge_time_and_envs,
)


def time_limited_capacity(env: EmbodiedEnv, num_steps: int) -> int:
    """Most time-limited rows ``env`` can produce in ``num_steps`` steps of all its envs."""
    every_row = num_steps * env.num_envs
    limit = env.max_episode_steps
    if not env.truncates_only_at_time_limit or limit is None or limit < 1:
        return every_row
    return min(every_row, env.num_envs * math.ceil(num_steps / limit))


class TimeLimitBootstrap:
    """Each rollout step's ``final_obs`` and time-limit mask, and the critic's value of the
    time-limited rows at the rollout's end (``[num_steps, num_envs]``, 0 elsewhere)."""

    def __init__(
        self, *, num_steps: int, num_envs: int, obs_dim: ObservationLayout, device: torch.device
    ) -> None:
        self.final_obs = allocate_observation(obs_dim, (num_steps, num_envs), device)
        """Every step's ``info["final_obs"]`` (a dict of tensors for a dict env)."""
        self.time_limited = torch.zeros(num_steps, num_envs, dtype=torch.bool, device=device)
        """Where the step ended an episode by the time limit alone (truncated, not terminated)."""

    def record(
        self, step: int, final_obs: Observation, terminated: torch.Tensor, truncated: torch.Tensor
    ) -> None:
        """Keep step ``step``'s final observations and which of its envs the time limit cut."""
        copy_observation_(map_observation(lambda stored: stored[step], self.final_obs), final_obs)
        torch.logical_and(truncated, ~terminated, out=self.time_limited[step])

    def values(self, value: Callable[[Observation], torch.Tensor], capacity: int) -> torch.Tensor:
        """``value(final_obs)`` on the time-limited rows, 0 on the others; ``capacity`` rows
        (at least the time-limited ones) go through ``value``."""
        mask = self.time_limited.reshape(-1)
        rows = merge_time_and_envs(self.final_obs)
        if capacity >= mask.numel():
            return torch.where(mask, value(rows), 0.0).view_as(self.time_limited)
        index = torch.nonzero_static(mask, size=capacity, fill_value=0).squeeze(1)
        taken = torch.arange(capacity, device=mask.device) < mask.sum()
        picked = torch.where(taken, value(index_observation(rows, index)), 0.0)
        out = torch.zeros(mask.numel(), device=mask.device, dtype=picked.dtype)
        # Padding entries all point at row 0 and add 0 there; real rows are distinct.
        return out.index_put_((index,), picked, accumulate=True).view_as(self.time_limited)
