"""The ``reach`` task: bring the TCP over the named disc (the cube is there but irrelevant).

Success: the TCP's xy within ``success_threshold`` of the named disc's centre. Reward terms
(PushCube's weights and scales, read for the TCP instead of the cube):

- ``progress``: ``place_weight * max(tanh(place_scale * (d_prev - d)), 0)``
- ``progress_penalty``: ``place_penalty_weight * min(tanh(place_scale * (d_prev - d)), 0)``
- ``action_penalty``: ``-action_penalty_weight * |scaled action|``
- ``success``: ``success_bonus`` on success

with ``d`` the TCP-disc xy distance after the step and ``d_prev`` before it.
"""

from __future__ import annotations

import torch

from embodichain_rl.envs.push_cube.outcome import StepOutcome, episode_ends
from embodichain_rl.envs.push_cube_language.config import PushCubeLanguageConfig

EXPERT_MAX_STEP = 0.02
"""Largest TCP step (m) of the scripted reach expert."""


def tcp_distance(tcp: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """xy distance ``[N]`` from the TCP to the named disc."""
    return (tcp[:, :2] - target).norm(dim=-1)


def reach_outcome(
    *,
    cfg: PushCubeLanguageConfig,
    tcp: torch.Tensor,
    cube: torch.Tensor,
    cube_vel: torch.Tensor,
    target: torch.Tensor,
    prev_distance: torch.Tensor,
    scaled_action_norm: torch.Tensor,
    elapsed: torch.Tensor,
    max_episode_steps: int | None,
) -> StepOutcome:
    """The reach task's reading of the post-step state (PushCube's metric keys)."""
    distance = tcp_distance(tcp, target)
    success = distance < cfg.success_threshold
    fell, terminated, truncated = episode_ends(cfg, cube, success, elapsed, max_episode_steps)
    progress = torch.tanh(cfg.place_scale * (prev_distance - distance))
    terms = {
        "progress": cfg.place_weight * progress.clamp_min(0.0),
        "progress_penalty": cfg.place_penalty_weight * progress.clamp_max(0.0),
        "action_penalty": -cfg.action_penalty_weight * scaled_action_norm,
        "success": cfg.success_bonus * success.to(torch.float32),
    }
    metrics = {
        "success": success,
        "fell": fell,
        "distance_to_goal": distance,
        "tcp_to_cube": (tcp[:, :2] - cube[:, :2]).norm(dim=-1),
        "cube_speed": cube_vel[:, :2].norm(dim=-1),
        "elapsed_steps": elapsed.clone(),
    }
    reward = torch.stack(list(terms.values())).sum(0)
    return StepOutcome(reward, terms, terminated, truncated, distance, metrics)


def reach_point(target: torch.Tensor, cfg: PushCubeLanguageConfig) -> torch.Tensor:
    """Where the reach expert sends the TCP ``[N, 3]``: over the named disc's centre at
    ``reach_height`` (its steps are at most ``EXPERT_MAX_STEP`` long)."""
    return torch.cat((target, torch.full_like(target[:, :1], cfg.reach_height)), dim=-1)
