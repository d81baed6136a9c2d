"""Every PushCube parameter, with its meaning, unit and range."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from embodichain_rl.envs.push_cube.camera import CameraConfig, camera_from, camera_problems

CONTROL_MODES = ("joint_delta_pos", "ee_delta_pos")
OBS_MODES = ("state", "rgb", "rgb_state")
"""``state``: the flat vector; ``rgb``: camera + privileged state; ``rgb_state``: camera +
the robot's own state + privileged state (see ``docs/pixels.md``)."""
TWO_PI = 2.0 * math.pi


@dataclass
class PushCubeConfig:
    """PushCube task parameters (metres, radians, seconds, kilograms; z up, table top z = 0)."""

    control_mode: str = "joint_delta_pos"
    """Action meaning: ``joint_delta_pos`` (6 joint deltas) or ``ee_delta_pos`` (3-D TCP)."""
    obs_mode: str = "state"
    """Observation kind: ``state`` (flat float32 vector), ``rgb`` or ``rgb_state`` (dicts
    with the camera image; see ``docs/pixels.md``)."""
    camera: CameraConfig = field(default_factory=CameraConfig)
    """The camera of the pixel modes and of ``render_images()`` (``docs/pixels.md``)."""
    control_dt: float = 0.04
    """Duration of one control step (s, > 0); 0.04 s is 25 Hz."""
    sim_substeps: int = 4
    """Physics substeps per control step (>= 1); contact is resolved every substep."""

    action_scale: float = 0.1
    """joint_delta_pos: joint target change per unit action (rad, > 0)."""
    joint_limits: float = 0.5
    """joint_delta_pos: largest joint change allowed in one step (rad, > 0)."""
    action_scale_ee: float = 0.02
    """ee_delta_pos: TCP displacement per unit action (m, > 0)."""
    joint_lower: tuple[float, ...] = (-TWO_PI, -TWO_PI, -math.pi, -TWO_PI, -TWO_PI, -TWO_PI)
    """Lower joint position limits (rad), UR10 ranges (elbow +-pi)."""
    joint_upper: tuple[float, ...] = (TWO_PI, TWO_PI, math.pi, TWO_PI, TWO_PI, TWO_PI)
    """Upper joint position limits (rad)."""
    init_qpos: tuple[float, ...] = (2.7687, -1.6868, 2.5449, -2.4288, -1.5708, 0.0)
    """Nominal start joints (rad): TCP at about (0.45, 0, 0.05) m, tool pointing down, elbow up."""
    init_qpos_noise: float = 0.02
    """Half-width of the uniform noise added to each start joint (rad, >= 0)."""
    tool_offset: float = 0.16
    """Distance from the UR10 flange to the TCP along the flange z axis (m)."""
    ee_workspace_low: tuple[float, float, float] = (0.1, -0.6, 0.0)
    """ee_delta_pos: lower corner of the TCP target box (m; z never below the radius)."""
    ee_workspace_high: tuple[float, float, float] = (1.1, 0.6, 0.4)
    """ee_delta_pos: upper corner of the TCP target box (m)."""

    tcp_radius: float = 0.01
    """Radius of the spherical pusher at the TCP (m, > 0)."""
    cube_half_size: float = 0.02
    """Half the cube edge length (m, > 0)."""
    cube_mass: float = 0.1
    """Cube mass (kg, > 0); yaw inertia is that of a uniform square prism."""
    table_friction: float = 0.5
    """Cube-table Coulomb friction coefficient (>= 0)."""
    pusher_friction: float = 0.3
    """Pusher-cube Coulomb friction coefficient (>= 0)."""
    gravity: float = 9.81
    """Gravitational acceleration (m/s^2, > 0)."""

    table_x_range: tuple[float, float] = (-0.3, 1.2)
    """Table top extent along x (m); a cube centre outside it has fallen."""
    table_y_range: tuple[float, float] = (-0.6, 0.6)
    """Table top extent along y (m)."""
    cube_x_range: tuple[float, float] = (0.55, 0.65)
    """Reset range of the cube centre x (m)."""
    cube_y_range: tuple[float, float] = (-0.1, 0.1)
    """Reset range of the cube centre y (m)."""
    cube_yaw_range: tuple[float, float] = (-math.pi / 4, math.pi / 4)
    """Reset range of the cube yaw (rad); 90 deg covers every distinct pose."""
    goal_distance_range: tuple[float, float] = (0.15, 0.3)
    """Reset range of the goal's distance from the cube (m)."""
    goal_angle_range: tuple[float, float] = (-math.pi / 4, math.pi / 4)
    """Reset sector of the goal direction relative to the base-to-cube bearing (rad)."""

    success_threshold: float = 0.1
    """Cube-goal xy distance under which the episode succeeds (m, > 0)."""
    terminate_on_success: bool = True
    """End the episode (``terminated``) on success."""

    reaching_weight: float = 0.1
    """Weight of ``reaching`` = 1 - tanh(reaching_scale * |TCP - push point|)."""
    reaching_scale: float = 5.0
    """Distance scale inside the reaching tanh (1/m, > 0)."""
    place_weight: float = 2.0
    """Weight of ``place`` when the cube moved toward the goal this step."""
    place_penalty_weight: float = 0.5
    """Weight of ``place_penalty`` when the cube moved away from the goal this step."""
    place_scale: float = 10.0
    """Scale in tanh(place_scale * distance decrease) (1/m, > 0): 2 cm/step gives 0.2."""
    action_penalty_weight: float = 0.01
    """Weight of ``action_penalty`` = -|scaled action| (rad or m)."""
    success_bonus: float = 10.0
    """Reward added on a successful step."""
    push_point_margin: float = 0.0
    """Extra gap between cube face and pusher sphere at the reaching push point (m, >= 0)."""

    render_size: int = 400
    """Side of the square top-down rendered frame (pixels)."""
    render_scale: float = 320.0
    """Pixels per metre of the rendered view."""
    render_center: tuple[float, float] = (0.45, 0.0)
    """World xy at the centre of the rendered frame (m)."""

    @classmethod
    def field_names(cls) -> list[str]:
        """Names of every configurable field."""
        return [f.name for f in dataclasses.fields(cls)]

    def replace(self, **overrides: Any) -> PushCubeConfig:
        """A copy with ``overrides``; unknown keys raise ``TypeError`` listing the valid ones."""
        valid = set(self.field_names())
        if "camera" in overrides:
            overrides["camera"] = camera_from(overrides["camera"], self.camera)
        for key in overrides:
            if key not in valid:
                raise TypeError(
                    f"{type(self).__name__.removesuffix('Config')}Env got an unexpected "
                    f"keyword argument {key!r}; "
                    f"valid keys: {sorted(valid)}"
                )
        cfg = dataclasses.replace(self, **overrides)
        cfg.validate()
        return cfg

    def validate(self) -> None:
        """Raise ``ValueError`` for out-of-range values."""
        if self.control_mode not in CONTROL_MODES:
            raise ValueError(
                f"control_mode must be one of {CONTROL_MODES}, got {self.control_mode!r}"
            )
        if self.obs_mode not in OBS_MODES:
            raise ValueError(f"obs_mode must be one of {list(OBS_MODES)}, got {self.obs_mode!r}")
        problems = camera_problems(self.camera)
        if problems:
            raise ValueError(f"camera.{problems[0]}")
        positive = (
            "control_dt",
            "action_scale",
            "joint_limits",
            "action_scale_ee",
            "tcp_radius",
            "cube_half_size",
            "cube_mass",
            "gravity",
            "success_threshold",
        )
        for name in positive:
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)}")
        if self.sim_substeps < 1:
            raise ValueError(f"sim_substeps must be >= 1, got {self.sim_substeps}")
        for name in ("joint_lower", "joint_upper", "init_qpos"):
            if len(getattr(self, name)) != 6:
                raise ValueError(f"{name} needs 6 values")
