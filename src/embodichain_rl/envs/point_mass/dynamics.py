"""PointMass dynamics and reward as pure, batched, differentiable tensor functions.

One step (EmbodiChain's ``PointMassRL``): ``v' = v (1 - c dt) + a F / m dt`` (semi-implicit
Euler with linear damping ``c``), then ``p' = clamp(p + v' dt, -W, W)``. The clamp is the
workspace wall: it passes no gradient while pinned, and leaves the velocity as it was.
Every function is differentiable almost everywhere in its tensor inputs.
"""

from __future__ import annotations

import torch

from embodichain_rl.envs.point_mass.config import PointMassConfig


def integrate(
    position: torch.Tensor, velocity: torch.Tensor, action: torch.Tensor, cfg: PointMassConfig
) -> tuple[torch.Tensor, torch.Tensor]:
    """New ``(position, velocity)`` ``[N, 2]`` after one step under ``action`` in [-1, 1]."""
    damping = 1.0 - cfg.linear_damping * cfg.dt
    velocity = velocity * damping + action * (cfg.force_scale / cfg.mass * cfg.dt)
    position = (position + velocity * cfg.dt).clamp(-cfg.workspace_half, cfg.workspace_half)
    return position, velocity


def penetration(
    position: torch.Tensor, obstacles: torch.Tensor, radii: torch.Tensor
) -> torch.Tensor:
    """Depth ``[N, K]`` of the point inside each of the ``K`` discs (0 outside)."""
    centre_distance = (position[:, None, :] - obstacles).norm(dim=-1)
    return (radii - centre_distance).clamp_min(0.0)


def reward_terms(
    *,
    position: torch.Tensor,
    velocity: torch.Tensor,
    action: torch.Tensor,
    last_action: torch.Tensor,
    goal: torch.Tensor,
    depth: torch.Tensor,
    success: torch.Tensor,
    cfg: PointMassConfig,
) -> dict[str, torch.Tensor]:
    """Weighted reward terms ``[N]`` each (their sum is the reward); ``success`` carries no
    gradient, so neither does the bonus."""
    distance = (position - goal).norm(dim=-1)
    sigma2 = cfg.proximity_sigma * cfg.proximity_sigma
    return {
        "distance": -cfg.distance_weight * distance,
        "proximity": cfg.proximity_weight * torch.exp(-distance.square() / (2.0 * sigma2)),
        "collision": -cfg.collision_weight * depth.square().sum(-1),
        "velocity": -cfg.velocity_weight * velocity.square().sum(-1),
        "action_rate": -cfg.action_rate_weight * (action - last_action).square().sum(-1),
        "success": cfg.success_bonus * success.to(position.dtype),
    }
