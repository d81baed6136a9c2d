"""What one CartPole control step means for the task: observation, reward terms, falls, the
time limit, success and the logged metrics."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from embodichain_rl.envs.cart_pole.config import CartPoleConfig

# (name, description) of each observation entry, in order.
OBSERVATION_TERMS: tuple[tuple[str, str], ...] = (
    ("cart_pos", "cart position normalised to [0, 1] over slider_limits"),
    ("pole_angle", "pole angle normalised to [0, 1] over pole_limits (0.5 = upright)"),
    ("cart_vel", "cart velocity (m/s)"),
    ("pole_vel", "pole angular velocity (rad/s)"),
)


def observe(qpos: torch.Tensor, qvel: torch.Tensor, cfg: CartPoleConfig) -> torch.Tensor:
    """A fresh observation ``[N, 4]``: joint positions normalised to [0, 1] over their limits
    (EmbodiChain's ``normalize_robot_joint_data``), then raw joint velocities."""
    low = qpos.new_tensor((cfg.slider_limits[0], cfg.pole_limits[0]))
    high = qpos.new_tensor((cfg.slider_limits[1], cfg.pole_limits[1]))
    return torch.cat(((qpos - low) / (high - low), qvel), dim=-1)


@dataclass
class StepOutcome:
    """The task's reading of the post-step state of every env."""

    reward: torch.Tensor
    """Sum of the weighted terms [N]."""
    terms: dict[str, torch.Tensor]
    """Weighted reward terms [N] each."""
    terminated: torch.Tensor
    """The pole fell or the cart left the rail [N]."""
    truncated: torch.Tensor
    """Time limit reached without termination [N]."""
    metrics: dict[str, torch.Tensor]
    """Per-env diagnostics for ``info["metrics"]`` (``success`` included)."""


def reward_terms(
    qpos: torch.Tensor, qvel: torch.Tensor, cfg: CartPoleConfig
) -> dict[str, torch.Tensor]:
    """Weighted per-term rewards ``[N]``; their sum is the step reward.

    - ``upright``: w * (1 - |pole angle| / pi)
    - ``velocity_penalty``: -w * |pole angular velocity|
    """
    return {
        "upright": cfg.upright_weight * (1.0 - qpos[:, 1].abs() / math.pi),
        "velocity_penalty": -cfg.velocity_penalty_weight * qvel[:, 1].abs(),
    }


def step_outcome(
    *,
    qpos: torch.Tensor,
    qvel: torch.Tensor,
    elapsed: torch.Tensor,
    max_episode_steps: int | None,
    cfg: CartPoleConfig,
) -> StepOutcome:
    """Evaluate the task on the state after a step (``elapsed`` counts this step)."""
    angle = qpos[:, 1].abs()
    fell = angle > cfg.pole_fall_angle
    off_rail = (qpos[:, 0] < cfg.slider_limits[0]) | (qpos[:, 0] > cfg.slider_limits[1])
    terminated = fell | off_rail
    if max_episode_steps is None:
        at_limit = torch.zeros_like(terminated)
    else:
        at_limit = elapsed >= max_episode_steps
    truncated = at_limit & ~terminated
    balanced = (angle < cfg.success_angle) & (qvel[:, 1].abs() < cfg.success_velocity)
    terms = reward_terms(qpos, qvel, cfg)
    metrics = {
        "success": truncated & balanced,
        "fell": fell,
        "off_rail": off_rail,
        "distance_to_goal": angle,
        "cart_pos": qpos[:, 0].clone(),
        "elapsed_steps": elapsed.clone(),
    }
    reward = torch.stack(list(terms.values())).sum(0)
    return StepOutcome(reward, terms, terminated, truncated, metrics)
