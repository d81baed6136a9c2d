"""The PushCube MJCF scene, written in code from the task config (no downloaded assets).

The arm is the UR10 of ``push_cube.kinematics``: each link is a body whose frame is the
standard-DH frame of its joint, so child ``i + 1`` sits at ``(a_i, 0, d_i)`` in link ``i``,
rotated by ``alpha_i`` about x, and MuJoCo's forward kinematics equals our closed form. Joints
are hinges about their body's z axis, driven by position actuators, gravity-compensated. The
links are visual only; the one arm geom that touches anything is the pusher sphere at the
TCP. Contacts are explicit pairs: cube-table (the table's friction, with a torsional term so a
spinning cube stops), pusher-cube (the pusher's friction) and pusher-table (frictionless, so a
low pusher slides instead of dragging the arm).
"""

from __future__ import annotations

import math
from typing import Any

from embodichain_rl.envs.push_cube.kinematics import A2, A3, D1, D4, D5, D6
from embodichain_rl.envs.push_cube_mujoco.config import PushCubeMuJoCoConfig
from embodichain_rl.envs.push_cube_mujoco.engines import engine_problem

# (d, a, alpha) of the six UR10 joints, standard DH.
DH_TABLE = (
    (D1, 0.0, math.pi / 2),
    (0.0, A2, 0.0),
    (0.0, A3, 0.0),
    (D4, 0.0, math.pi / 2),
    (D5, 0.0, -math.pi / 2),
    (D6, 0.0, 0.0),
)
JOINT_NAMES = tuple(f"joint{i}" for i in range(1, 7))
CUBE_JOINT = "cube_free"
TCP_SITE = "tcp"
LINK_RADIUS = 0.04
# Extra table area beyond the task's table ranges, so a cube just off the table still falls.
TABLE_MARGIN = 0.5


def _quat_about_x(angle: float) -> str:
    return f"{math.cos(angle / 2):.12g} {math.sin(angle / 2):.12g} 0 0"


def _link_geom(d: float, a: float, mass: float) -> str:
    """A visual capsule from the link's origin to its child's origin."""
    length = math.hypot(a, d)
    if length < 1e-9:
        return f'<geom type="sphere" size="{LINK_RADIUS}" mass="{mass}" class="visual"/>'
    return (
        f'<geom type="capsule" fromto="0 0 0 {a:.12g} 0 {d:.12g}" size="{LINK_RADIUS}" '
        f'mass="{mass}" class="visual"/>'
    )


def _arm(cfg: PushCubeMuJoCoConfig) -> str:
    """Nested link bodies, innermost last; the TCP site and pusher live in link 6."""
    tool = D6 + cfg.tool_offset
    tip = (
        f'<site name="{TCP_SITE}" pos="0 0 {tool:.12g}" size="{cfg.tcp_radius}"/>'
        f'<geom name="tool" type="capsule" fromto="0 0 {D6:.12g} 0 0 {tool - cfg.tcp_radius:.12g}" '
        f'size="{cfg.tcp_radius * 0.6:.6g}" mass="0.05" class="visual"/>'
        f'<geom name="pusher" type="sphere" pos="0 0 {tool:.12g}" size="{cfg.tcp_radius}" '
        f'mass="0.05" contype="0" conaffinity="0" rgba="0.9 0.5 0.1 1"/>'
    )
    inner = ""
    for index in reversed(range(6)):
        d, a, _ = DH_TABLE[index]
        low, high = cfg.joint_lower[index], cfg.joint_upper[index]
        child = inner if index < 5 else tip
        body_pos = "0 0 0"
        body_quat = "1 0 0 0"
        if index > 0:
            pd, pa, palpha = DH_TABLE[index - 1]
            body_pos = f"{pa:.12g} 0 {pd:.12g}"
            body_quat = _quat_about_x(palpha)
        inner = (
            f'<body name="link{index + 1}" pos="{body_pos}" quat="{body_quat}" gravcomp="1">'
            f'<joint name="{JOINT_NAMES[index]}" type="hinge" axis="0 0 1" '
            f'range="{low:.12g} {high:.12g}" armature="{cfg.joint_armature}" damping="0"/>'
            f"{_link_geom(d, a, cfg.link_mass)}{child}</body>"
        )
    return inner


def build_mjcf(cfg: PushCubeMuJoCoConfig) -> str:
    """The whole scene as an MJCF string."""
    h = cfg.cube_half_size
    timestep = cfg.control_dt / cfg.sim_substeps
    x0, x1 = cfg.table_x_range
    y0, y1 = cfg.table_y_range
    table_half = (
        (x1 - x0) / 2 + TABLE_MARGIN,
        (y1 - y0) / 2 + TABLE_MARGIN,
    )
    centre = ((x0 + x1) / 2, (y0 + y1) / 2)
    actuators = "".join(
        f'<position name="drive{i + 1}" joint="{name}" kp="{cfg.joint_stiffness}" '
        f'kv="{cfg.joint_damping}" ctrlrange="{low:.12g} {high:.12g}"/>'
        for i, (name, low, high) in enumerate(
            zip(JOINT_NAMES, cfg.joint_lower, cfg.joint_upper, strict=True)
        )
    )
    mu_t, mu_p = cfg.table_friction, cfg.pusher_friction
    return f"""<mujoco model="push_cube">
  <compiler angle="radian" autolimits="true"/>
  <option timestep="{timestep:.12g}" gravity="0 0 {-cfg.gravity:.12g}" integrator="implicitfast"
          cone="pyramidal"/>
  <default>
    <default class="visual"><geom contype="0" conaffinity="0" rgba="0.6 0.65 0.7 1"/></default>
    <geom contype="0" conaffinity="0"/>
  </default>
  <worldbody>
    <light pos="0.5 0 2" dir="0 0 -1"/>
    <geom name="table" type="box" pos="{centre[0]:.12g} {centre[1]:.12g} -0.05"
          size="{table_half[0]:.12g} {table_half[1]:.12g} 0.05" rgba="0.8 0.75 0.65 1"/>
    <site name="goal" pos="0 0 0.0005" type="cylinder" size="{cfg.success_threshold} 0.0005"
          rgba="0.2 0.8 0.3 0.5"/>
    {_arm(cfg)}
    <body name="cube" pos="0.6 0 {h:.12g}">
      <freejoint name="{CUBE_JOINT}"/>
      <geom name="cube" type="box" size="{h} {h} {h}" mass="{cfg.cube_mass}"
            rgba="0.2 0.4 0.9 1"/>
    </body>
  </worldbody>
  <contact>
    <pair geom1="cube" geom2="table" condim="4" friction="{mu_t} {mu_t} {0.5 * mu_t * h:.6g}"/>
    <pair geom1="pusher" geom2="cube" condim="3" friction="{mu_p} {mu_p}"/>
    <pair geom1="pusher" geom2="table" condim="1"/>
  </contact>
  <actuator>{actuators}</actuator>
</mujoco>
"""


def compile_scene(cfg: PushCubeMuJoCoConfig) -> Any:
    """The scene as a ``mujoco.MjModel``; a clear error names the extra when MuJoCo is absent."""
    problem = engine_problem(cfg.backend, "cpu")
    if problem is not None:
        raise RuntimeError(problem)
    import mujoco

    return mujoco.MjModel.from_xml_string(build_mjcf(cfg))
