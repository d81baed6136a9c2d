"""The same scripted TCP pushes on both PushCube engines (our impulse model and MuJoCo):
where the cube ends up, for the sim-to-sim comparison in docs/push_cube_mujoco.md.

Every push starts with the cube at rest at ``(CUBE_X, 0)``, yaw 0, and the TCP at mid-cube
height ``gap`` behind its -x face, ``lateral`` off the centre line; the TCP then moves
``speed`` (action units of ``ee_delta_pos``, 0.02 m each) along +x for ``steps`` control
steps, stops, and the cube settles for ``SETTLE_STEPS``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from embodichain_rl.envs import EmbodiedEnv, make_env
from embodichain_rl.envs.push_cube_mujoco.env import PushCubeMuJoCoEnv

CUBE_X = 0.6
SETTLE_STEPS = 10


@dataclass(frozen=True)
class Push:
    """One scripted straight push."""

    name: str
    """Label in the report."""
    lateral: float
    """TCP offset from the cube's centre line (m)."""
    speed: float
    """ee_delta_pos action along +x (0.25: 5 mm per 40 ms step)."""
    steps: int
    """Control steps of pushing."""
    gap: float = 0.005
    """Initial gap between the pusher sphere and the cube face (m)."""


PUSHES = (
    Push("centre, 5 mm/step, 6 cm", 0.0, 0.25, 12),
    Push("centre, 5 mm/step, 12 cm", 0.0, 0.25, 24),
    Push("centre, 10 mm/step, 12 cm", 0.0, 0.5, 12),
    Push("off-centre +8 mm, 5 mm/step, 6 cm", 0.008, 0.25, 12),
    Push("off-centre -8 mm, 5 mm/step, 6 cm", -0.008, 0.25, 12),
    Push("off-centre +14 mm, 5 mm/step, 6 cm", 0.014, 0.25, 12),
)


def _start(env: EmbodiedEnv, pushes: tuple[Push, ...]) -> None:
    cfg = env.cfg
    h, r = cfg.cube_half_size, cfg.tcp_radius
    n = len(pushes)
    cube = torch.tensor([[CUBE_X, 0.0, 0.0]]).expand(n, 3).clone()
    tcp = torch.tensor([[CUBE_X - h - r - p.gap, p.lateral, h] for p in pushes])
    if isinstance(env, PushCubeMuJoCoEnv):
        q = env.joint_targets_for(tcp, env.q_target)
        env.set_sim_state(env.joint_targets_for(tcp, q), cube)
        return
    env.cube, env.tcp = cube, tcp
    env.cube_vel = torch.zeros(n, 3)


def final_poses(env_id: str, pushes: tuple[Push, ...] = PUSHES) -> torch.Tensor:
    """Cube ``(dx, dy, yaw)`` ``[len(pushes), 3]`` after each push on ``env_id``."""
    env = make_env(
        env_id,
        num_envs=len(pushes),
        control_mode="ee_delta_pos",
        max_episode_steps=None,
        terminate_on_success=False,
    )
    env.reset(seed=0)
    _start(env, pushes)
    speed = torch.tensor([p.speed for p in pushes])
    steps = torch.tensor([p.steps for p in pushes])
    for t in range(int(steps.max()) + SETTLE_STEPS):
        action = torch.zeros(len(pushes), 3)
        action[:, 0] = torch.where(t < steps, speed, 0.0)
        env.step(action)
    cube = env.cube.clone()
    env.close()
    return cube - torch.tensor([[CUBE_X, 0.0, 0.0]])


def report(pushes: tuple[Push, ...] = PUSHES) -> str:
    """The comparison table (displacements in cm, yaw in degrees)."""
    ours, mujoco = final_poses("PushCubeRL", pushes), final_poses("PushCubeMuJoCo", pushes)
    lines = [
        f"{'push':<36} {'PushCubeRL dx dy yaw':>24}   {'PushCubeMuJoCo dx dy yaw':>26}",
    ]
    for push, a, b in zip(pushes, ours, mujoco, strict=True):
        row = [float(a[0]) * 100, float(a[1]) * 100, math.degrees(float(a[2]))]
        row += [float(b[0]) * 100, float(b[1]) * 100, math.degrees(float(b[2]))]
        lines.append(
            f"{push.name:<36} {row[0]:6.2f} {row[1]:6.2f} {row[2]:7.1f}     "
            f"{row[3]:6.2f} {row[4]:6.2f} {row[5]:7.1f}"
        )
    return "\n".join(lines)
