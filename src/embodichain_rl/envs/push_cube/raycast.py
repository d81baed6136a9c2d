"""Batched ray-primitive distances for rays that share one origin (a fixed pinhole camera).

Every function takes the rays as ``origin [3]`` and unit ``directions`` and returns the
distance ``t`` along each ray to the primitive's first visible hit, ``inf`` where the ray
misses it (or hits it only behind the camera). ``directions`` is ``[3, P]`` (the same P rays
for every env: the whole image) or ``[N, 3, P]`` (each env its own P rays: a screen window,
see ``windows.py``). Because all rays start at the eye, every "origin minus primitive"
quantity is per env (``[N, K, 3]``), and the only per-ray work is one dot product with
``directions`` per primitive plus a few element-wise operations on ``[N, K, P]``.
Everything is float32 and free of host synchronisation.
"""

from __future__ import annotations

import math

import torch

INF = math.inf


def ray_dot(vectors: torch.Tensor, directions: torch.Tensor) -> torch.Tensor:
    """``vectors [N, K, 3]`` dotted with every ray: ``[N, K, P]``. For the whole image's
    ``directions [3, P]`` one matrix product; for per-env windows ``[N, 3, P]`` written out
    element-wise, so that a window ray gives the same bits as in an element-wise all-pixel
    pass (``directions.expand(N, 3, P)``)."""
    if directions.dim() == 2:
        return vectors @ directions
    d = directions[:, None]
    x, y, z = d[..., 0, :], d[..., 1, :], d[..., 2, :]
    return vectors[..., 0:1] * x + vectors[..., 1:2] * y + vectors[..., 2:3] * z


def table_distance(
    origin: torch.Tensor,
    directions: torch.Tensor,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
) -> tuple[torch.Tensor, torch.Tensor]:
    """Distance ``[P]`` to the table rectangle on the plane z = 0 (``inf`` off it) and the
    hit points' xy ``[2, P]`` (those of the whole plane, meaningful where the distance is
    finite). Constant for a fixed camera: compute it once."""
    dz = directions[2]
    t = torch.where(dz < 0, -origin[2] / dz.clamp(max=-1e-12), INF)
    xy = origin[:2, None] + t.clamp(max=1e6) * directions[:2]
    inside = (
        (xy[0] >= x_range[0])
        & (xy[0] <= x_range[1])
        & (xy[1] >= y_range[0])
        & (xy[1] <= y_range[1])
    )
    return torch.where(inside & (origin[2] > 0), t, INF), xy


def sphere_distance(
    origin: torch.Tensor, directions: torch.Tensor, centres: torch.Tensor, radii: torch.Tensor
) -> torch.Tensor:
    """Distance ``[N, S, P]`` to spheres with ``centres [N, S, 3]`` and ``radii [S]``."""
    oc = origin - centres
    b = ray_dot(oc, directions)
    c = (oc * oc).sum(-1, keepdim=True) - (radii * radii)[:, None]
    h = b * b - c
    miss = h < 0
    t = h.clamp_(min=0.0).sqrt_().neg_().sub_(b)  # -b - sqrt(h) (sqrt of a negative is slow)
    return t.masked_fill_(miss | (t <= 0), INF)  # misses and hits behind the eye


def cylinder_distance(
    origin: torch.Tensor,
    directions: torch.Tensor,
    start: torch.Tensor,
    end: torch.Tensor,
    radii: torch.Tensor,
) -> torch.Tensor:
    """Distance ``[N, C, P]`` to the side surface of finite cylinders (no end caps: put
    spheres on the ends to make capsules) from ``start [N, C, 3]`` to ``end [N, C, 3]``.

    With axis ``u = end - start`` and ``w = origin - start``, a point ``w + t d`` lies on the
    infinite cylinder where ``|u|^2 |w + t d|^2 - (u . (w + t d))^2 = r^2 |u|^2``, a quadratic
    ``a t^2 + 2 b t + c = 0``; the near root counts when its axial coordinate
    ``u . (w + t d)`` lies in ``(0, |u|^2)``.
    """
    u = end - start
    w = origin - start
    uu = (u * u).sum(-1, keepdim=True)
    uw = (u * w).sum(-1, keepdim=True)
    ww = (w * w).sum(-1, keepdim=True)
    ud = ray_dot(u, directions)
    wd = ray_dot(w, directions)
    a = (ud * ud).neg_().add_(uu)  # uu - ud^2
    b = wd.mul_(uu).sub_(ud * uw)  # uu wd - uw ud
    c = uu * ww - uw * uw - (radii * radii)[:, None] * uu
    h = (b * b).sub_(a * c)
    keep = h >= 0
    t = h.clamp_(min=0.0).sqrt_().add_(b).neg_().div_(a)  # (-b - sqrt(h)) / a
    axial = ud.mul_(t).add_(uw)
    keep &= (axial > 0) & (axial < uu) & (t > 0)
    return t.masked_fill_(~keep, INF)


def yawed_box_distance(
    origin: torch.Tensor,
    directions: torch.Tensor,
    centre: torch.Tensor,
    yaw: torch.Tensor,
    half: float,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Distance ``[N, P]`` to cubes of half edge ``half`` centred at ``centre [N, 3]`` and
    rotated by ``yaw [N]`` about z, and which face each ray enters through ``[N, P]``
    (0: a +-x face, 1: a +-y face, 2: the top or bottom; box frame), by the slab method."""
    cos, sin = torch.cos(yaw), torch.sin(yaw)
    zero = torch.zeros_like(cos)
    # Rows: the box's x and y axes in the world frame; the box z axis is the world's.
    axes = torch.stack((torch.stack((cos, sin, zero), -1), torch.stack((-sin, cos, zero), -1)), 1)
    rel = origin - centre
    local_origin = axes @ rel[:, :, None]  # [N, 2, 1]
    local_dirs = ray_dot(axes, directions)  # [N, 2, P]
    inv = local_dirs.reciprocal_()
    mid = (local_origin * inv).neg_()  # the slab's middle crossing
    spread = inv.abs_().mul_(half)
    enter_xy = mid - spread
    exit_xy = mid.add_(spread)
    inv_z = 1.0 / directions[..., 2, :]
    mid_z = -rel[:, 2:3] * inv_z
    spread_z = half * inv_z.abs()
    enter = torch.cat((enter_xy, (mid_z - spread_z)[:, None]), 1)  # [N, 3, P]
    near, face = enter.max(dim=1)
    far = torch.minimum(exit_xy.amin(dim=1), mid_z + spread_z)
    hit = (near < far) & (near > 0)
    return near.masked_fill_(~hit, INF), face
