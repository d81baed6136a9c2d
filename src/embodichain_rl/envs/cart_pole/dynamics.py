"""Cart-pole equations of motion with PD joint drives, batched on tensors.

Generalised coordinates: ``x`` the cart (slider) position (m, + along the rail) and ``theta``
the pole angle from upright (rad, + tilting the pole's tip toward + x). The pole is a uniform
rod of mass ``m`` with its centre of mass ``l`` above the pivot (half its length) and inertia
``I = m l^2 / 3`` about that centre; the cart has mass ``M``. Lagrange's equations give

    (M + m) x'' + m l cos(theta) theta'' - m l sin(theta) theta'^2 = F
    m l cos(theta) x'' + (I + m l^2) theta'' - m g l sin(theta)    = tau

with ``F`` the slider drive's force on the cart and ``tau`` the pole joint's torque on the
pole. Both drives are PD position drives, clipped to their effort limit:
``effort = clip(stiffness (target - q) - damping q', -max_effort, max_effort)``.
Each substep is semi-implicit Euler: velocities from the accelerations, then positions from
the new velocities.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from embodichain_rl.envs.cart_pole.config import CartPoleConfig


@dataclass(frozen=True)
class CartPoleParams:
    """The physical constants one substep needs (taken once from a :class:`CartPoleConfig`)."""

    cart_mass: float
    """Cart mass M (kg)."""
    pole_mass: float
    """Pole mass m (kg)."""
    pole_half_length: float
    """Pivot to pole centre of mass, l (m)."""
    gravity: float
    """Gravitational acceleration g (m/s^2)."""
    slider_stiffness: float
    """Slider drive stiffness (N/m)."""
    slider_damping: float
    """Slider drive damping (N s/m)."""
    slider_max_effort: float
    """Slider drive force limit (N)."""
    pole_stiffness: float
    """Pole joint drive stiffness (N m/rad)."""
    pole_damping: float
    """Pole joint drive damping (N m s/rad)."""
    pole_max_effort: float
    """Pole joint drive torque limit (N m)."""
    dt: float
    """One physics substep (s)."""

    @classmethod
    def from_config(cls, cfg: CartPoleConfig) -> CartPoleParams:
        """The constants of ``cfg``."""
        return cls(
            cart_mass=cfg.cart_mass,
            pole_mass=cfg.pole_mass,
            pole_half_length=cfg.pole_half_length,
            gravity=cfg.gravity,
            slider_stiffness=cfg.slider_stiffness,
            slider_damping=cfg.slider_damping,
            slider_max_effort=cfg.slider_max_effort,
            pole_stiffness=cfg.pole_stiffness,
            pole_damping=cfg.pole_damping,
            pole_max_effort=cfg.pole_max_effort,
            dt=cfg.physics_dt,
        )

    @property
    def pole_inertia(self) -> float:
        """Inertia of the uniform rod about its centre of mass, m l^2 / 3 (kg m^2)."""
        return self.pole_mass * self.pole_half_length**2 / 3.0


def drive_effort(
    q: torch.Tensor,
    qd: torch.Tensor,
    target: torch.Tensor,
    stiffness: float,
    damping: float,
    max_effort: float,
) -> torch.Tensor:
    """PD drive effort toward ``target`` (zero target velocity), clipped to ``max_effort``."""
    effort = stiffness * (target - q) - damping * qd
    return effort.clamp(-max_effort, max_effort)


def accelerations(
    qpos: torch.Tensor,
    qvel: torch.Tensor,
    force: torch.Tensor,
    torque: torch.Tensor,
    p: CartPoleParams,
) -> torch.Tensor:
    """``[N, 2]`` accelerations (x'', theta'') of states ``qpos``/``qvel`` ``[N, 2]`` under the
    cart force and pole torque ``[N]``: the 2x2 mass-matrix system solved in closed form."""
    m, ml = p.pole_mass, p.pole_mass * p.pole_half_length
    sin, cos = torch.sin(qpos[:, 1]), torch.cos(qpos[:, 1])
    a11 = p.cart_mass + m
    a12 = ml * cos
    a22 = p.pole_inertia + ml * p.pole_half_length
    b1 = force + ml * sin * qvel[:, 1].square()
    b2 = torque + ml * p.gravity * sin
    det = a11 * a22 - a12.square()
    x_acc = (a22 * b1 - a12 * b2) / det
    theta_acc = (a11 * b2 - a12 * b1) / det
    return torch.stack((x_acc, theta_acc), dim=-1)


def joint_efforts(
    qpos: torch.Tensor, qvel: torch.Tensor, target: torch.Tensor, p: CartPoleParams
) -> tuple[torch.Tensor, torch.Tensor]:
    """Slider force and pole torque ``[N]`` of the two drives toward ``target`` ``[N, 2]``."""
    force = drive_effort(
        qpos[:, 0],
        qvel[:, 0],
        target[:, 0],
        p.slider_stiffness,
        p.slider_damping,
        p.slider_max_effort,
    )
    torque = drive_effort(
        qpos[:, 1], qvel[:, 1], target[:, 1], p.pole_stiffness, p.pole_damping, p.pole_max_effort
    )
    return force, torque


def substep(
    qpos: torch.Tensor, qvel: torch.Tensor, target: torch.Tensor, p: CartPoleParams
) -> tuple[torch.Tensor, torch.Tensor]:
    """One semi-implicit Euler substep of ``dt``: new ``(qpos, qvel)`` ``[N, 2]``."""
    force, torque = joint_efforts(qpos, qvel, target, p)
    qvel = qvel + accelerations(qpos, qvel, force, torque, p) * p.dt
    return qpos + qvel * p.dt, qvel


def integrate(
    qpos: torch.Tensor, qvel: torch.Tensor, target: torch.Tensor, p: CartPoleParams, substeps: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """``substeps`` substeps with the drive targets held: the state one control step later."""
    for _ in range(substeps):
        qpos, qvel = substep(qpos, qvel, target, p)
    return qpos, qvel


def energy(qpos: torch.Tensor, qvel: torch.Tensor, p: CartPoleParams) -> torch.Tensor:
    """Total mechanical energy ``[N]`` (J): kinetic + the pole's potential (zero at the pivot)."""
    m, half = p.pole_mass, p.pole_half_length
    xd, wd = qvel[:, 0], qvel[:, 1]
    cos = torch.cos(qpos[:, 1])
    kinetic = 0.5 * (p.cart_mass + m) * xd.square() + m * half * cos * xd * wd
    kinetic = kinetic + 0.5 * (p.pole_inertia + m * half * half) * wd.square()
    return kinetic + m * p.gravity * half * cos
