"""Generalised advantage estimation over a ``[T, N]`` rollout."""

from __future__ import annotations

import torch


def compute_gae(
    rewards: torch.Tensor,
    values: torch.Tensor,
    dones: torch.Tensor,
    next_value: torch.Tensor,
    gamma: float,
    gae_lambda: float,
) -> tuple[torch.Tensor, torch.Tensor]:
    """GAE(γ, λ) advantages and value targets for one rollout.

    ``rewards``, ``values`` and ``dones`` are ``[T, N]``; ``dones[t]`` marks that the episode
    ended at step ``t`` (terminated *or* truncated), so nothing flows back across it. A
    truncated episode's future value must already be folded into ``rewards[t]`` (PPO adds
    ``γ·V(final_obs)``). ``next_value`` ``[N]`` is ``V`` of the observation after the last
    step and bootstraps every episode still running at the rollout's end.

    ``δ_t = r_t + γ (1 - d_t) V_{t+1} - V_t``, ``A_t = δ_t + γ λ (1 - d_t) A_{t+1}``,
    ``returns = A + V``. A reverse Python loop over ``T`` of pure tensor ops (no host sync).
    """
    if rewards.shape != values.shape or rewards.shape != dones.shape or rewards.dim() != 2:
        raise ValueError(
            "rewards, values and dones must share one [T, N] shape, got "
            f"{list(rewards.shape)}, {list(values.shape)}, {list(dones.shape)}"
        )
    if next_value.shape != rewards.shape[1:]:
        raise ValueError(f"next_value must be [N={rewards.shape[1]}], got {list(next_value.shape)}")
    not_done = 1.0 - dones.to(values.dtype)
    advantages = torch.empty_like(values)
    last_advantage = torch.zeros_like(next_value)
    following_value = next_value
    for t in range(rewards.shape[0] - 1, -1, -1):
        delta = rewards[t] + gamma * not_done[t] * following_value - values[t]
        last_advantage = delta + gamma * gae_lambda * not_done[t] * last_advantage
        advantages[t] = last_advantage
        following_value = values[t]
    return advantages, advantages + values
