"""TD3's tensor math, free of networks: target policy smoothing, the clipped double-Q
target and FastTD3's per-env exploration-noise scales (Polyak averaging is shared with
SAC: ``off_policy.targets.polyak_update``).

Noise magnitudes are in units of the action half-range ``(high - low) / 2`` (``scale``
below), so one setting fits every env; every function is pure device work (no host sync).
"""

from __future__ import annotations

import torch


def smoothed_target_action(
    target_action: torch.Tensor,
    noise: torch.Tensor,
    *,
    policy_noise: float,
    noise_clip: float,
    scale: torch.Tensor,
    low: torch.Tensor,
    high: torch.Tensor,
) -> torch.Tensor:
    """Target policy smoothing: ``clamp(a' + clamp(policy_noise * ε, ±noise_clip) * scale,
    low, high)`` with ``ε`` standard normal (``noise``, shaped like ``target_action``)."""
    offset = (noise * policy_noise).clamp(-noise_clip, noise_clip) * scale
    return torch.clamp(target_action + offset, low, high)


def clipped_double_q_target(
    rewards: torch.Tensor, bootstrap: torch.Tensor, target_q: torch.Tensor
) -> torch.Tensor:
    """``r + bootstrap * min_i Q'_i``: ``rewards`` and ``bootstrap`` ``[B]`` (the replay's
    n-step reward sum and ``γ^k`` or 0 at a termination), ``target_q`` ``[num_critics, B]``."""
    return rewards + bootstrap * target_q.min(dim=0).values


def draw_noise_scales(
    num_envs: int,
    low: float,
    high: float,
    *,
    generator: torch.Generator,
    device: torch.device,
) -> torch.Tensor:
    """``[num_envs, 1]`` exploration-noise scales drawn uniformly from ``[low, high)``."""
    uniform = torch.rand((num_envs, 1), generator=generator, device=device)
    return low + (high - low) * uniform


def redraw_finished_scales(
    scales: torch.Tensor,
    finished: torch.Tensor,
    low: float,
    high: float,
    *,
    generator: torch.Generator,
) -> torch.Tensor:
    """``scales`` (``[N, 1]``) with the rows of envs whose episode ended (``finished``,
    bool ``[N]``) redrawn from ``[low, high)``; the others are kept."""
    fresh = draw_noise_scales(scales.shape[0], low, high, generator=generator, device=scales.device)
    return torch.where(finished.reshape(-1, 1), fresh, scales)


def explore(
    action: torch.Tensor,
    noise: torch.Tensor,
    scales: torch.Tensor,
    *,
    scale: torch.Tensor,
    low: torch.Tensor,
    high: torch.Tensor,
) -> torch.Tensor:
    """Exploration action ``clamp(a + ε * σ_env * scale, low, high)``: ``noise`` ``ε``
    standard normal ``[N, A]``, ``scales`` ``σ_env`` ``[N, 1]`` (one per env)."""
    return torch.clamp(action + noise * scales * scale, low, high)
