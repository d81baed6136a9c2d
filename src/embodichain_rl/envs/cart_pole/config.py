"""Every CartPole parameter, with its meaning, unit and range (EmbodiChain's values where its
``basic/cart_pole`` task and gym config define them; docs/cart_pole.md says which are ours)."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

POSITIVE_FIELDS = (
    "physics_dt",
    "action_scale",
    "cart_mass",
    "pole_mass",
    "pole_half_length",
    "gravity",
    "slider_max_effort",
    "pole_max_effort",
    "pole_fall_angle",
    "success_angle",
    "success_velocity",
)
NON_NEGATIVE_FIELDS = ("slider_stiffness", "slider_damping", "pole_stiffness", "pole_damping")
PAIR_FIELDS = ("slider_limits", "pole_limits", "init_qpos", "init_qpos_noise", "init_qvel_noise")


def _pair_problems(name: str, values: tuple[float, ...]) -> list[str]:
    """What is wrong with a two-value field: its length, a range's order, a negative noise."""
    if len(values) != 2:
        return [f"{name} needs 2 values, got {list(values)}"]
    if name.endswith("_limits") and not values[0] < values[1]:
        return [f"{name} must be (low, high) with low < high, got {list(values)}"]
    if name.endswith("_noise") and min(values) < 0:
        return [f"{name} must be >= 0, got {list(values)}"]
    return []


@dataclass
class CartPoleConfig:
    """CartPole task parameters (metres, radians, seconds, kilograms, newtons).

    Joint 0 is the slider (cart position along the rail), joint 1 the pole (angle from
    upright, + tilting toward + x).
    """

    physics_dt: float = 0.01
    """One physics substep (s, > 0); EmbodiChain's 100 Hz physics."""
    sim_substeps: int = 4
    """Physics substeps per control step (>= 1); 4 x 0.01 s is EmbodiChain's 25 Hz control."""
    action_scale: float = 0.1
    """Slider target change per unit action (m, > 0): target = cart position + scale * action."""

    cart_mass: float = 0.25
    """Cart mass (kg, > 0); light enough that the drive's 1 N per unit action can catch the
    pole from every start (docs/cart_pole.md, "Physical constants")."""
    pole_mass: float = 0.05
    """Pole mass (kg, > 0); a uniform rod."""
    pole_half_length: float = 0.5
    """Pivot to the pole's centre of mass, half the pole's length (m, > 0)."""
    gravity: float = 9.81
    """Gravitational acceleration (m/s^2, > 0)."""

    slider_stiffness: float = 10.0
    """Slider PD drive stiffness (N/m, >= 0)."""
    slider_damping: float = 1.0
    """Slider PD drive damping (N s/m, >= 0)."""
    slider_max_effort: float = 100.0
    """Slider drive force limit (N, > 0)."""
    pole_stiffness: float = 0.01
    """Pole joint drive stiffness (N m/rad, >= 0), pulling toward the angle the step began at."""
    pole_damping: float = 0.001
    """Pole joint drive damping (N m s/rad, >= 0)."""
    pole_max_effort: float = 0.1
    """Pole joint drive torque limit (N m, > 0)."""

    slider_limits: tuple[float, float] = (-2.4, 2.4)
    """Rail ends (m): a cart beyond them terminates the episode; qpos normalisation range."""
    pole_limits: tuple[float, float] = (-math.pi, math.pi)
    """Pole joint range (rad) used to normalise the observed angle to [0, 1]."""
    pole_fall_angle: float = math.pi / 2
    """|pole angle| beyond which the pole has fallen and the episode terminates (rad, > 0)."""

    init_qpos: tuple[float, float] = (-0.2, 0.07)
    """Nominal start (cart m, pole rad): EmbodiChain's init_qpos."""
    init_qpos_noise: tuple[float, float] = (0.1, 0.05)
    """Half-widths of the uniform noise added to the start cart position and pole angle (>= 0)."""
    init_qvel_noise: tuple[float, float] = (0.05, 0.05)
    """Half-widths of the uniform start cart and pole velocities (m/s, rad/s; >= 0)."""

    upright_weight: float = 1.0
    """Weight of ``upright`` = 1 - |pole angle| / pi (EmbodiChain's task reward)."""
    velocity_penalty_weight: float = 0.005
    """Weight of ``velocity_penalty`` = -|pole angular velocity| (EmbodiChain's
    joint_velocity_penalty on the pole joint)."""
    success_angle: float = 0.02
    """Success: |pole angle| below this at the final step (rad, > 0)."""
    success_velocity: float = 0.05
    """Success: |pole angular velocity| below this at the final step (rad/s, > 0)."""

    render_size: int = 240
    """Side of the square rendered frame (pixels, >= 32)."""

    @property
    def control_dt(self) -> float:
        """Duration of one control step (s)."""
        return self.physics_dt * self.sim_substeps

    @classmethod
    def field_names(cls) -> list[str]:
        """Names of every configurable field."""
        return [f.name for f in dataclasses.fields(cls)]

    def replace(self, **overrides: Any) -> CartPoleConfig:
        """A copy with ``overrides``; unknown keys raise ``TypeError`` listing the valid ones."""
        valid = set(self.field_names())
        for key in overrides:
            if key not in valid:
                raise TypeError(
                    f"CartPoleEnv got an unexpected keyword argument {key!r}; "
                    f"valid keys: {sorted(valid)}"
                )
        cfg = dataclasses.replace(self, **overrides)
        cfg.validate()
        return cfg

    def problems(self) -> list[str]:
        """One message per out-of-range field (empty when the config is valid)."""
        found = [
            f"{name} must be > 0, got {getattr(self, name)}"
            for name in POSITIVE_FIELDS
            if not getattr(self, name) > 0
        ]
        found += [
            f"{name} must be >= 0, got {getattr(self, name)}"
            for name in NON_NEGATIVE_FIELDS
            if not getattr(self, name) >= 0
        ]
        if self.sim_substeps < 1:
            found.append(f"sim_substeps must be >= 1, got {self.sim_substeps}")
        if self.render_size < 32:
            found.append(f"render_size must be >= 32, got {self.render_size}")
        for name in PAIR_FIELDS:
            found += _pair_problems(name, tuple(getattr(self, name)))
        return found

    def validate(self) -> None:
        """Raise one ``ValueError`` naming every out-of-range field."""
        found = self.problems()
        if found:
            raise ValueError("invalid CartPole config: " + "; ".join(found))
