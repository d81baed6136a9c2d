"""Planar pusher-cube mechanics: a velocity-level contact impulse with Coulomb friction.

State per env: cube pose ``(x, y, yaw)`` and twist ``(vx, vy, omega)``; the TCP is a kinematic
sphere. One substep:

1. the TCP moves to its new position (clamped so it never sinks into the table or, coming from
   above, through the cube's top face: ``z >= 2h + sqrt(r^2 - d_xy^2)`` over the footprint);
2. cube-table friction: the twist shrinks along its own direction in the normalised space
   ``(v, rho * omega)`` by ``mu g dt`` (an isotropic ellipsoidal-limit-surface-style Coulomb
   law); it never reverses the twist, never adds energy, and stops the cube in finite time;
3. pusher contact, only while the sphere centre is below the top face (``z < 2h``), where the
   sphere's horizontal cross-section is a full disc and the contact normal is horizontal:
   closest point of the yawed square to the centre, depth ``d = r - dist``, normal impulse
   ``lambda = max(0, (d / dt - u_n) / k)`` with ``k = 1/m + (r_c x n)^2 / I``, and a
   tangential Coulomb impulse clamped to ``mu_pusher * lambda``;
4. semi-implicit Euler integration of the pose;
5. positional projection: any remaining penetration is removed by translating the cube along
   the contact normal, so TCP-cube penetration stays at floating-point level.

Every rule is a batched tensor expression; nothing branches per env.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class ContactParams:
    """Constants of the planar mechanics, derived once from the config."""

    half: float
    """Cube half-size h (m)."""
    radius: float
    """Pusher sphere radius r (m)."""
    inv_mass: float
    """1 / cube mass (1/kg)."""
    inv_inertia: float
    """1 / yaw inertia of the cube, I = 2/3 m h^2 (1/(kg m^2))."""
    friction_decel: float
    """Cube-table Coulomb deceleration mu g (m/s^2)."""
    rho: float
    """Limit-surface radius (m): pure spin decelerates at mu g / rho (uniform square: 0.871 h)."""
    mu_pusher: float
    """Pusher-cube friction coefficient."""
    dt: float
    """Substep duration (s)."""

    @classmethod
    def build(
        cls,
        *,
        half: float,
        radius: float,
        mass: float,
        mu_table: float,
        mu_pusher: float,
        gravity: float,
        dt: float,
    ) -> ContactParams:
        """Derive the constants from physical parameters."""
        inertia = 2.0 / 3.0 * mass * half * half
        # Mean distance of a uniform square's points from its centre is 0.7652 h; the torque
        # limit is mu m g times that, so pure spin decelerates at mu m g 0.7652 h / I.
        rho = inertia / (mass * 0.7652 * half)
        return cls(half, radius, 1.0 / mass, 1.0 / inertia, mu_table * gravity, rho, mu_pusher, dt)


@dataclass
class Footprint:
    """Closest-point geometry between the sphere centre (xy) and the cube's square footprint."""

    dist: torch.Tensor
    """Horizontal distance from the centre to the square, 0 inside (m) [N]."""
    depth: torch.Tensor
    """Horizontal penetration r - dist, or r + depth to the nearest face when inside (m) [N]."""
    normal: torch.Tensor
    """Unit push normal, from the sphere into the cube (world xy) [N, 2]."""
    arm: torch.Tensor
    """Contact point relative to the cube centre (world xy, m) [N, 2]."""


def footprint(tcp_xy: torch.Tensor, cube: torch.Tensor, p: ContactParams) -> Footprint:
    """Geometry of the sphere centre ``tcp_xy [N, 2]`` against cube poses ``cube [N, 3]``."""
    c = torch.cos(cube[:, 2])
    s = torch.sin(cube[:, 2])
    rx = tcp_xy[:, 0] - cube[:, 0]
    ry = tcp_xy[:, 1] - cube[:, 1]
    lx = c * rx + s * ry
    ly = c * ry - s * rx
    qx = lx.clamp(-p.half, p.half)
    qy = ly.clamp(-p.half, p.half)
    dx = lx - qx
    dy = ly - qy
    dist = torch.sqrt(dx * dx + dy * dy)
    inside = dist < 1e-9
    sx = torch.where(lx >= 0, 1.0, -1.0)
    sy = torch.where(ly >= 0, 1.0, -1.0)
    pen_x = p.half - lx.abs()
    pen_y = p.half - ly.abs()
    use_x = pen_x < pen_y
    inv = 1.0 / dist.clamp_min(1e-9)
    # Outward normal (cube -> sphere) and contact point, in the cube frame.
    nx = torch.where(inside, torch.where(use_x, sx, 0.0), dx * inv)
    ny = torch.where(inside, torch.where(use_x, 0.0, sy), dy * inv)
    ax = torch.where(inside & use_x, sx * p.half, qx)
    ay = torch.where(inside & ~use_x, sy * p.half, qy)
    depth = torch.where(inside, p.radius + torch.minimum(pen_x, pen_y), p.radius - dist)
    normal = torch.stack((-(c * nx - s * ny), -(s * nx + c * ny)), dim=-1)
    arm = torch.stack((c * ax - s * ay, s * ax + c * ay), dim=-1)
    return Footprint(dist, depth, normal, arm)


def top_clearance(geo: Footprint, above: torch.Tensor, p: ContactParams) -> torch.Tensor:
    """Lowest allowed TCP z [N]: the table, or the cube's top when arriving from ``above``."""
    over = above & (geo.dist < p.radius)
    lift = torch.sqrt((p.radius * p.radius - geo.dist * geo.dist).clamp_min(0.0))
    return torch.where(over, 2.0 * p.half + lift, p.radius)


def table_friction(vel: torch.Tensor, p: ContactParams) -> torch.Tensor:
    """Apply one substep of cube-table friction to twists ``vel [N, 3]`` (vx, vy, omega)."""
    spin = vel[:, 2] * p.rho
    speed = torch.sqrt(vel[:, 0] * vel[:, 0] + vel[:, 1] * vel[:, 1] + spin * spin)
    factor = (1.0 - p.friction_decel * p.dt / speed.clamp_min(1e-12)).clamp_min(0.0)
    return vel * factor[:, None]


def cross(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """z component of the planar cross product of ``[N, 2]`` vectors."""
    return a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]


def pusher_impulse(
    vel: torch.Tensor,
    geo: Footprint,
    active: torch.Tensor,
    tcp_vel: torch.Tensor,
    p: ContactParams,
) -> torch.Tensor:
    """Twist ``[N, 3]`` after the normal and frictional contact impulses of one substep."""
    n = geo.normal
    t = torch.stack((-n[:, 1], n[:, 0]), dim=-1)
    arm = geo.arm
    rn = cross(arm, n)
    rt = cross(arm, t)
    v = vel[:, :2]
    w = vel[:, 2]
    point_vel = v + w[:, None] * torch.stack((-arm[:, 1], arm[:, 0]), dim=-1)
    u_n = (point_vel * n).sum(-1)
    k_n = p.inv_mass + rn * rn * p.inv_inertia
    lam = ((geo.depth / p.dt - u_n) / k_n).clamp_min(0.0)
    lam = torch.where(active & (geo.depth > 0), lam, 0.0)
    # Tangential slip of the contact point relative to the pusher after the normal impulse
    # (n is orthogonal to t, so only the impulse's spin changes it: (omega x arm) . t).
    slip = ((point_vel - tcp_vel) * t).sum(-1) + lam * rn * p.inv_inertia * rt
    k_t = p.inv_mass + rt * rt * p.inv_inertia
    limit = p.mu_pusher * lam
    lam_t = torch.maximum(torch.minimum(-slip / k_t, limit), -limit)
    impulse = lam[:, None] * n + lam_t[:, None] * t
    dv = impulse * p.inv_mass
    dw = (rn * lam + rt * lam_t) * p.inv_inertia
    return torch.cat((v + dv, (w + dw)[:, None]), dim=-1)


def substep(
    cube: torch.Tensor,
    vel: torch.Tensor,
    tcp_prev: torch.Tensor,
    tcp_next: torch.Tensor,
    p: ContactParams,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One physics substep: returns the new cube pose, twist and (clamped) TCP position."""
    geo = footprint(tcp_next[:, :2], cube, p)
    above = tcp_prev[:, 2] >= 2.0 * p.half
    z = torch.maximum(tcp_next[:, 2], top_clearance(geo, above, p))
    tcp = torch.cat((tcp_next[:, :2], z[:, None]), dim=-1)
    active = z < 2.0 * p.half
    vel = table_friction(vel, p)
    tcp_vel = (tcp[:, :2] - tcp_prev[:, :2]) / p.dt
    vel = pusher_impulse(vel, geo, active, tcp_vel, p)
    cube = cube + vel * p.dt
    geo = footprint(tcp[:, :2], cube, p)
    push = torch.where(active, geo.depth.clamp_min(0.0), 0.0)
    cube = torch.cat((cube[:, :2] + push[:, None] * geo.normal, cube[:, 2:]), dim=-1)
    return cube, vel, tcp
