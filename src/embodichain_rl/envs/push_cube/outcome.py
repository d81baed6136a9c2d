"""What one PushCube control step means for the task: success, falls, time limit, reward
terms and logged metrics (shared by every PushCube backend)."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from embodichain_rl.envs.push_cube.config import PushCubeConfig
from embodichain_rl.envs.push_cube.rewards import reward_terms


@dataclass
class StepOutcome:
    """The task's reading of the post-step state of every env."""

    reward: torch.Tensor
    """Sum of the weighted terms [N]."""
    terms: dict[str, torch.Tensor]
    """Weighted reward terms [N] each."""
    terminated: torch.Tensor
    """Success (when it ends episodes) or a fall [N]."""
    truncated: torch.Tensor
    """Time limit reached without termination [N]."""
    distance: torch.Tensor
    """Cube-goal xy distance [N] (the next step's progress baseline)."""
    metrics: dict[str, torch.Tensor]
    """Per-env diagnostics for ``info["metrics"]``."""


def episode_ends(
    cfg: PushCubeConfig,
    cube: torch.Tensor,
    success: torch.Tensor,
    elapsed: torch.Tensor,
    max_episode_steps: int | None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``(fell, terminated, truncated)`` ``[N]`` each: the cube centre left the table;
    success (when it ends episodes) or a fall; the time limit without termination."""
    fell = (
        (cube[:, 0] < cfg.table_x_range[0])
        | (cube[:, 0] > cfg.table_x_range[1])
        | (cube[:, 1] < cfg.table_y_range[0])
        | (cube[:, 1] > cfg.table_y_range[1])
    )
    terminated = fell | success if cfg.terminate_on_success else fell
    if max_episode_steps is None:
        return fell, terminated, torch.zeros_like(terminated)
    return fell, terminated, (elapsed >= max_episode_steps) & ~terminated


def step_outcome(
    *,
    cfg: PushCubeConfig,
    tcp: torch.Tensor,
    cube: torch.Tensor,
    cube_vel: torch.Tensor,
    goal: torch.Tensor,
    prev_distance: torch.Tensor,
    scaled_action_norm: torch.Tensor,
    elapsed: torch.Tensor,
    max_episode_steps: int | None,
) -> StepOutcome:
    """Evaluate the task on the state after a step (``cube`` is x, y, yaw; ``cube_vel``
    vx, vy, omega; ``elapsed`` counts this step)."""
    distance = (cube[:, :2] - goal).norm(dim=-1)
    success = distance < cfg.success_threshold
    fell, terminated, truncated = episode_ends(cfg, cube, success, elapsed, max_episode_steps)
    terms = reward_terms(
        tcp=tcp,
        cube=cube,
        goal=goal,
        prev_distance=prev_distance,
        distance=distance,
        scaled_action_norm=scaled_action_norm,
        success=success,
        cfg=cfg,
    )
    metrics = {
        "success": success,
        "fell": fell,
        "distance_to_goal": distance,
        "tcp_to_cube": (tcp[:, :2] - cube[:, :2])
        .norm(dim=-1)
        .hypot(tcp[:, 2] - cfg.cube_half_size),
        "cube_speed": cube_vel[:, :2].norm(dim=-1),
        "elapsed_steps": elapsed.clone(),
    }
    reward = torch.stack(list(terms.values())).sum(0)
    return StepOutcome(reward, terms, terminated, truncated, distance, metrics)
