"""Lambert shading of the camera's cube and round parts against a fixed distant light.

Rays come as ``[3, P]`` (the whole image, shared by every env) or ``[N, 3, P]`` (a window
per env); the results are ``[N, P]`` brightness factors in
``[ambient, 1]``.
"""

from __future__ import annotations

import torch


def lambert(cosine: torch.Tensor, ambient: float) -> torch.Tensor:
    """Brightness ``ambient + (1 - ambient) max(cosine, 0)`` (in place on ``cosine``)."""
    return cosine.clamp_(min=0.0).mul_(1.0 - ambient).add_(ambient)


def cube_light(
    face: torch.Tensor, yaw: torch.Tensor, dirs: torch.Tensor, light: torch.Tensor, ambient: float
) -> torch.Tensor:
    """Brightness ``[N, P]`` of the cube face each ray enters (``face`` 0: +-x, 1: +-y, 2:
    top, box frame) for cubes yawed by ``yaw [N]``, rays ``dirs [.., 3, P]``."""
    cos, sin = torch.cos(yaw[:, None]), torch.sin(yaw[:, None])
    dx, dy, dz = dirs[..., 0, :], dirs[..., 1, :], dirs[..., 2, :]
    lx, ly, lz = light.unbind()
    # Face normals face the camera: -sign(ray . axis) along the box's x / y axis.
    along_x = cos * dx + sin * dy
    along_y = -sin * dx + cos * dy
    x_term = -torch.sign(along_x) * (cos * lx + sin * ly)
    y_term = -torch.sign(along_y) * (-sin * lx + cos * ly)
    top = (-torch.sign(dz) * lz).expand_as(x_term)
    cosine = torch.where(face == 0, x_term, torch.where(face == 1, y_term, top))
    return lambert(cosine, ambient)


def round_light(
    t: torch.Tensor,
    rays: tuple[torch.Tensor, torch.Tensor],
    start: torch.Tensor,
    axis: torch.Tensor | None,
    radius: torch.Tensor,
    light: tuple[torch.Tensor, float],
) -> torch.Tensor:
    """Brightness ``[N, P]`` of sphere / cylinder hits at distances ``t [N, P]`` along
    ``rays`` = (origin ``[3]``, directions ``[.., 3, P]``): the normal is the hit minus its
    closest point on the axis ``start + s axis`` (``s`` in [0, 1]; a sphere, with ``axis``
    ``None``, has its centre ``start``), over the ``radius``. ``start`` / ``axis`` are
    ``[N, P, 3]`` or ``[N, 1, 3]``; ``light`` is (unit direction ``[3]``, ambient). Written
    per component so that a ray gives the same bits in any batch."""
    origin, dirs = rays
    rel = [origin[c] + t * dirs[..., c, :] - start[..., c] for c in range(3)]
    if axis is not None:
        u = [axis[..., c] for c in range(3)]
        uu = (u[0] * u[0] + u[1] * u[1] + u[2] * u[2]).clamp_(min=1e-12)
        s = ((rel[0] * u[0] + rel[1] * u[1] + rel[2] * u[2]) / uu).clamp_(0.0, 1.0)
        rel = [rel[c] - s * u[c] for c in range(3)]
    direction, ambient = light
    lx, ly, lz = direction.unbind()
    cosine = rel[0] * lx + rel[1] * ly + rel[2] * lz
    return lambert(cosine / radius, ambient)
