"""The flat state observation and the pixel modes' ``state`` key: named slices, one layout
per control mode."""

from __future__ import annotations

from dataclasses import dataclass

import torch

JOINT_TERMS: tuple[tuple[str, int, str], ...] = (
    ("qpos", 6, "joint positions (rad)"),
    ("qvel", 6, "joint velocities over the last step (rad/s)"),
)
COMMON_TERMS: tuple[tuple[str, int, str], ...] = (
    ("tcp_pos", 3, "TCP position (m)"),
    ("cube_xy", 2, "cube centre xy (m)"),
    ("cube_yaw", 2, "sin(4 yaw), cos(4 yaw): continuous, 90-degree symmetric"),
    ("cube_vel", 3, "cube twist vx, vy (m/s), omega (rad/s)"),
    ("goal_xy", 2, "goal centre xy (m)"),
    ("tcp_to_cube", 3, "cube centre minus TCP (m)"),
    ("cube_to_goal", 2, "goal minus cube centre, xy (m)"),
)
ROBOT_TERMS: tuple[tuple[str, int, str], ...] = (
    ("tcp_pos", 3, "TCP position (m)"),
    ("goal_xy", 2, "goal centre xy (m)"),
)
"""The pixel modes' ``state`` key after the joints: what the robot knows plus the goal, no
cube pose (the camera shows the cube)."""


@dataclass(frozen=True)
class ObservationLayout:
    """Names, sizes and slices of the observation vector."""

    terms: tuple[tuple[str, int, str], ...]
    """(name, size, description) in order."""

    @classmethod
    def for_mode(cls, control_mode: str) -> ObservationLayout:
        """Joint mode observes the arm's joints; ee mode only the TCP."""
        joints = JOINT_TERMS if control_mode == "joint_delta_pos" else ()
        return cls(joints + COMMON_TERMS)

    @classmethod
    def robot_for_mode(cls, control_mode: str) -> ObservationLayout:
        """The ``state`` key of ``obs_mode=rgb_state``: joints (joint mode), TCP, goal."""
        joints = JOINT_TERMS if control_mode == "joint_delta_pos" else ()
        return cls(joints + ROBOT_TERMS)

    @property
    def dim(self) -> int:
        """Total observation length."""
        return sum(size for _, size, _ in self.terms)

    @property
    def slices(self) -> dict[str, slice]:
        """Slice of each named term."""
        out: dict[str, slice] = {}
        start = 0
        for name, size, _ in self.terms:
            out[name] = slice(start, start + size)
            start += size
        return out

    def table(self) -> list[tuple[str, str, str]]:
        """(name, index range, description) rows for documentation."""
        return [
            (name, f"{sl.start}:{sl.stop}", desc)
            for (name, _, desc), sl in zip(self.terms, self.slices.values(), strict=True)
        ]


def build_observation(
    *,
    tcp: torch.Tensor,
    cube: torch.Tensor,
    cube_vel: torch.Tensor,
    goal: torch.Tensor,
    half: float,
    qpos: torch.Tensor | None,
    qvel: torch.Tensor | None,
) -> torch.Tensor:
    """A fresh observation tensor ``[N, D]`` (fresh so callers may keep earlier ones)."""
    parts = [] if qpos is None or qvel is None else [qpos, qvel]
    yaw4 = 4.0 * cube[:, 2:3]
    cube_xy = cube[:, :2]
    parts += [
        tcp,
        cube_xy,
        torch.sin(yaw4),
        torch.cos(yaw4),
        cube_vel,
        goal,
        cube_xy - tcp[:, :2],
        half - tcp[:, 2:3],
        goal - cube_xy,
    ]
    return torch.cat(parts, dim=-1)


def build_robot_state(
    *, tcp: torch.Tensor, goal: torch.Tensor, qpos: torch.Tensor | None, qvel: torch.Tensor | None
) -> torch.Tensor:
    """The ``state`` key ``[N, D]`` of ``obs_mode=rgb_state`` (layout ``robot_for_mode``)."""
    parts = [] if qpos is None or qvel is None else [qpos, qvel]
    return torch.cat([*parts, tcp, goal], dim=-1)
