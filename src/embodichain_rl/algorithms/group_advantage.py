"""GRPO's critic-free advantages: per-step discounted returns-to-go, standardised within
groups of ``group_size`` consecutive envs over the steps still alive.

Every tensor is ``[T, N]`` (steps x envs, the rollout buffer's layout); the loops run over
``T`` on the device, never reading a value on the host.
"""

from __future__ import annotations

import torch


def alive_mask(dones: torch.Tensor, truncate_at_first_done: bool) -> torch.Tensor:
    """``[T, N]`` float mask of the steps that count: with ``truncate_at_first_done`` a step
    counts while no earlier step of its env ended an episode (the step that ends the first
    episode still counts, every later one is masked out); otherwise every step counts."""
    if not truncate_at_first_done:
        return torch.ones_like(dones, dtype=torch.float32)
    ended_before = torch.cumsum(dones.float(), dim=0) - dones.float()
    return (ended_before == 0).float()


def discounted_returns(rewards: torch.Tensor, dones: torch.Tensor, gamma: float) -> torch.Tensor:
    """``[T, N]`` return-to-go ``G_t = r_t + gamma * G_{t+1} * (1 - done_t)``, with
    ``G_T = 0`` past the rollout's end (no bootstrap: there is no critic)."""
    returns = torch.empty_like(rewards)
    running = torch.zeros_like(rewards[0])
    keep = 1.0 - dones.float()
    for t in range(rewards.shape[0] - 1, -1, -1):
        running = rewards[t] + gamma * running * keep[t]
        returns[t] = running
    return returns


def group_advantages(
    returns: torch.Tensor, mask: torch.Tensor, group_size: int, eps: float
) -> torch.Tensor:
    """``[T, N]`` advantages ``(G - mean) / (std + eps) * mask``, where at each step ``t`` the
    mean and (population) std are over the alive envs (``mask``) of the return's group of
    ``group_size`` consecutive envs; a group with no alive env at ``t`` gives zeros."""
    steps, num_envs = returns.shape
    if num_envs % group_size:
        raise ValueError(f"num_envs={num_envs} is not a multiple of group_size={group_size}")
    grouped = returns.view(steps, num_envs // group_size, group_size)
    weights = mask.view(steps, num_envs // group_size, group_size)
    count = weights.sum(dim=-1, keepdim=True).clamp(min=1.0)
    mean = (grouped * weights).sum(dim=-1, keepdim=True) / count
    var = ((grouped - mean).square() * weights).sum(dim=-1, keepdim=True) / count
    advantages = (grouped - mean) / (var.sqrt() + eps)
    return advantages.view(steps, num_envs) * mask
