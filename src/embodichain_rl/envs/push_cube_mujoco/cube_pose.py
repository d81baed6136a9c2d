"""Between MuJoCo's free-joint state of the cube and PushCube's planar (x, y, yaw) terms."""

from __future__ import annotations

import torch


def planar_pose(free_qpos: torch.Tensor) -> torch.Tensor:
    """``(x, y, yaw) [N, 3]`` from free-joint positions ``(x, y, z, qw, qx, qy, qz) [N, 7]``."""
    w, x, y, z = free_qpos[:, 3:7].unbind(-1)
    yaw = torch.atan2(2.0 * (w * z + x * y), 1.0 - 2.0 * (y * y + z * z))
    return torch.stack((free_qpos[:, 0], free_qpos[:, 1], yaw), dim=-1)


def planar_twist(free_qpos: torch.Tensor, free_qvel: torch.Tensor) -> torch.Tensor:
    """``(vx, vy, omega_z) [N, 3]``: world linear velocity and the world-z angular velocity
    (MuJoCo's free-joint angular velocity is in the body frame)."""
    w, x, y, z = free_qpos[:, 3:7].unbind(-1)
    row_z = torch.stack(
        (2.0 * (x * z - w * y), 2.0 * (y * z + w * x), 1.0 - 2.0 * (x * x + y * y)), dim=-1
    )
    omega = (row_z * free_qvel[:, 3:6]).sum(-1)
    return torch.stack((free_qvel[:, 0], free_qvel[:, 1], omega), dim=-1)


def free_pose(cube: torch.Tensor, height: float) -> torch.Tensor:
    """Free-joint positions ``[N, 7]`` of a cube resting at ``(x, y, yaw) [N, 3]``."""
    half_yaw = 0.5 * cube[:, 2]
    zero = torch.zeros_like(half_yaw)
    return torch.stack(
        (
            cube[:, 0],
            cube[:, 1],
            torch.full_like(half_yaw, height),
            torch.cos(half_yaw),
            zero,
            zero,
            torch.sin(half_yaw),
        ),
        dim=-1,
    )
