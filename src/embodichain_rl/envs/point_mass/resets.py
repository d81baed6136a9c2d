"""Fresh PointMass episodes: goal, start, two obstacle discs, a pure function of the seed,
the env's start stream (its index; ``index // g`` in start groups of ``g``) and its episode
counter (the PushCube counter-based hash), so an env's episodes never depend on
``num_envs`` or on the other envs."""

from __future__ import annotations

import torch

from embodichain_rl.envs.point_mass.config import PointMassConfig
from embodichain_rl.envs.push_cube import random as prng

NUM_OBSTACLES = 2
"""Obstacle discs per env (EmbodiChain's layout: the observation holds two)."""


def num_draws(cfg: PointMassConfig) -> int:
    """Uniform draws per reset: goal xy, start xy, two radii, then per attempt two centres."""
    return 6 + 2 * NUM_OBSTACLES * cfg.obstacle_attempts


def symmetric(u: torch.Tensor, half_width: float) -> torch.Tensor:
    """Map uniforms in [0, 1) to [-half_width, half_width)."""
    return (2.0 * u - 1.0) * half_width


def sample_starts(
    cfg: PointMassConfig, seed_key: torch.Tensor, env_index: torch.Tensor, episode: torch.Tensor
) -> dict[str, torch.Tensor]:
    """Initial states for the given per-env episode counters.

    Keys: ``goal`` and ``position`` ``[N, 2]``, ``obstacles`` ``[N, 2, 2]`` (centres) and
    ``radii`` ``[N, 2]``. Each obstacle takes its first candidate farther than
    ``obstacle_min_goal_distance`` from the goal, else sits at ``-0.5 * goal``.
    """
    w = cfg.workspace_half
    u = prng.uniform(seed_key, env_index, episode, num_draws(cfg))
    goal = symmetric(u[:, 0:2], cfg.goal_range * w)
    position = symmetric(u[:, 2:4], cfg.start_range * w)
    radii = prng.scale(u[:, 4:6], cfg.obstacle_radius_min, cfg.obstacle_radius_max)
    n = u.shape[0]
    candidates = symmetric(u[:, 6:], cfg.obstacle_range * w).view(
        n, cfg.obstacle_attempts, NUM_OBSTACLES, 2
    )
    far = (candidates - goal[:, None, None, :]).norm(dim=-1) > cfg.obstacle_min_goal_distance
    first = far.to(torch.uint8).argmax(dim=1)  # first far attempt per obstacle (0 if none)
    index = first[:, None, :, None].expand(-1, 1, -1, 2)
    chosen = candidates.gather(1, index)[:, 0]
    fallback = (-0.5 * goal)[:, None, :].expand(-1, NUM_OBSTACLES, -1)
    obstacles = torch.where(far.any(dim=1)[..., None], chosen, fallback)
    return {"goal": goal, "position": position, "obstacles": obstacles, "radii": radii}
