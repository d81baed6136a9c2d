"""The EmbodiChain PushCube reward terms, each weighted and logged on its own."""

from __future__ import annotations

import torch

from embodichain_rl.envs.push_cube.config import PushCubeConfig


def push_point(cube: torch.Tensor, goal: torch.Tensor, cfg: PushCubeConfig) -> torch.Tensor:
    """Point ``[N, 3]`` just behind the cube on the side away from the goal, at mid-height."""
    away = cube[:, :2] - goal
    away = away / away.norm(dim=-1, keepdim=True).clamp_min(1e-6)
    gap = cfg.cube_half_size + cfg.tcp_radius + cfg.push_point_margin
    xy = cube[:, :2] + gap * away
    return torch.cat((xy, torch.full_like(xy[:, :1], cfg.cube_half_size)), dim=-1)


def reward_terms(
    *,
    tcp: torch.Tensor,
    cube: torch.Tensor,
    goal: torch.Tensor,
    prev_distance: torch.Tensor,
    distance: torch.Tensor,
    scaled_action_norm: torch.Tensor,
    success: torch.Tensor,
    cfg: PushCubeConfig,
) -> dict[str, torch.Tensor]:
    """Weighted per-term rewards ``[N]``; their sum is the step reward.

    - ``reaching``: w * (1 - tanh(reaching_scale * |TCP - push point|))
    - ``place`` / ``place_penalty``: tanh(place_scale * (previous - current cube-goal
      distance)), weighted by ``place_weight`` when positive, ``place_penalty_weight`` when not
    - ``action_penalty``: -w * |scaled action|
    - ``success``: ``success_bonus`` on success
    """
    reach_dist = (tcp - push_point(cube, goal, cfg)).norm(dim=-1)
    progress = torch.tanh(cfg.place_scale * (prev_distance - distance))
    return {
        "reaching": cfg.reaching_weight * (1.0 - torch.tanh(cfg.reaching_scale * reach_dist)),
        "place": cfg.place_weight * progress.clamp_min(0.0),
        "place_penalty": cfg.place_penalty_weight * progress.clamp_max(0.0),
        "action_penalty": -cfg.action_penalty_weight * scaled_action_norm,
        "success": cfg.success_bonus * success.to(torch.float32),
    }
