"""Scripted PushCube controller: get behind the cube, then push it toward the goal.

A pure tensor function of the observation (batched, no per-env Python branching). It plans a
Cartesian TCP target:

1. *push*: low and on the line from the goal through the cube centre, behind the cube -> move
   toward the goal along that line, correcting the lateral offset;
2. *approach*: safely behind the cube (clear of any yaw) and low -> go straight to the
   approach point behind the cube at mid-height;
3. *detour*: otherwise rise vertically to a hover height above the cube, cross over to the
   approach point, then descend (rule 2 takes over once low again).

In ``ee_delta_pos`` the Cartesian step is the action; in ``joint_delta_pos`` it is mapped
through a damped-least-squares inverse of the FK's position Jacobian.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from embodichain_rl.envs.push_cube.config import PushCubeConfig
from embodichain_rl.envs.push_cube.kinematics import dls_step, position_jacobian
from embodichain_rl.envs.push_cube.observations import ObservationLayout


@dataclass(frozen=True)
class ScriptedGains:
    """Tuning of the scripted controller (metres per control step unless stated)."""

    push_step: float = 0.015
    """TCP advance toward the goal per step while pushing."""
    max_step: float = 0.02
    """Largest Cartesian TCP step the controller commands."""
    approach_clearance: float = 0.01
    """Gap between the cube's circumscribed circle + pusher and the approach point."""
    hover_clearance: float = 0.02
    """Height of the TCP sphere's bottom above the cube top while crossing over."""
    lateral_tolerance: float = 0.01
    """Largest offset from the push line at which pushing continues."""
    ik_damping: float = 0.02
    """Damping of the least-squares Jacobian inverse (m)."""


def cartesian_target(
    obs: torch.Tensor, layout: ObservationLayout, cfg: PushCubeConfig, gains: ScriptedGains
) -> torch.Tensor:
    """TCP target ``[N, 3]`` of the push/approach/detour plan."""
    sl = layout.slices
    tcp = obs[:, sl["tcp_pos"]]
    cube = obs[:, sl["cube_xy"]]
    goal = obs[:, sl["goal_xy"]]
    h, r = cfg.cube_half_size, cfg.tcp_radius
    to_goal = goal - cube
    direction = to_goal / to_goal.norm(dim=-1, keepdim=True).clamp_min(1e-6)
    perp = torch.stack((-direction[:, 1], direction[:, 0]), dim=-1)
    rel = tcp[:, :2] - cube
    along = (rel * direction).sum(-1)
    lateral = (rel * perp).sum(-1)
    low_z = torch.full_like(along, h)
    hover_z = 2.0 * h + r + gains.hover_clearance
    low = tcp[:, 2] < hover_z - 0.005

    behind = along < -(h + r) + 0.004
    pushing = behind & (lateral.abs() < gains.lateral_tolerance) & (tcp[:, 2] < 2.0 * h)
    push_xy = tcp[:, :2] + gains.push_step * direction - lateral[:, None] * perp

    standoff = h * math.sqrt(2.0) + r + gains.approach_clearance
    approach_xy = cube - standoff * direction
    safe = along < -(h * math.sqrt(2.0) + r)
    near = (tcp[:, :2] - approach_xy).norm(dim=-1) < 0.01

    xy = torch.where((safe & low)[:, None], approach_xy, tcp[:, :2])
    xy = torch.where((~low)[:, None], approach_xy, xy)
    z = torch.where(safe & low, low_z, torch.full_like(low_z, hover_z))
    z = torch.where(~low & near, low_z, z)
    xy = torch.where(pushing[:, None], push_xy, xy)
    z = torch.where(pushing, low_z, z)
    return torch.cat((xy, z[:, None]), dim=-1)


def scripted_action(
    obs: torch.Tensor,
    layout: ObservationLayout,
    cfg: PushCubeConfig,
    gains: ScriptedGains | None = None,
) -> torch.Tensor:
    """Action in [-1, 1] for every env of a PushCube observation batch."""
    gains = gains or ScriptedGains()
    tcp = obs[:, layout.slices["tcp_pos"]]
    qpos = obs[:, layout.slices["qpos"]] if cfg.control_mode == "joint_delta_pos" else None
    step = cartesian_target(obs, layout, cfg, gains) - tcp
    return tcp_step_action(step, qpos, cfg, max_step=gains.max_step, ik_damping=gains.ik_damping)


def tcp_step_action(
    step: torch.Tensor,
    qpos: torch.Tensor | None,
    cfg: PushCubeConfig,
    *,
    max_step: float,
    ik_damping: float,
) -> torch.Tensor:
    """Action in [-1, 1] moving the TCP by the Cartesian ``step [N, 3]`` shortened to
    ``max_step``: the step itself in ``ee_delta_pos``, else joint deltas through a
    damped-least-squares inverse of the FK's position Jacobian at ``qpos``."""
    length = step.norm(dim=-1, keepdim=True)
    step = step * (max_step / length.clamp_min(max_step))
    if cfg.control_mode == "ee_delta_pos":
        return (step / cfg.action_scale_ee).clamp(-1.0, 1.0)
    assert qpos is not None, "joint_delta_pos needs the joints"
    jac = position_jacobian(qpos, cfg.tool_offset)
    dq = dls_step(jac, step, damping=ik_damping)
    return (dq / cfg.action_scale).clamp(-1.0, 1.0)
