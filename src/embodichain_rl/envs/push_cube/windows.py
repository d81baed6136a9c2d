"""Fixed-size screen windows: where a small primitive can show up in the camera image.

A primitive inside a bounding sphere of radius ``R`` whose centre stays at least ``d`` from
the eye covers rays within ``alpha = asin(R / d)`` of the direction to its centre. The
pinhole (gnomonic) projection stretches angles by at most ``f / cos^2(phi)`` at an angle
``phi`` off the optical axis, and a sphere that touches the image has its centre at most
``corner + alpha`` off axis (``corner``: the angle of the image corner). So every pixel it
covers lies within ``f alpha / cos^2(corner + alpha)`` pixels of its centre's projection:
a ``K x K`` window around that projection (plus half a pixel for pixel centres) holds them.
``K`` is fixed per camera and primitive, so a frame costs ``N x K^2`` ray tests instead of
``N x H x W``; where the bound fails (the primitive can reach the eye, a very wide field of
view) the window is the whole image.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch

from embodichain_rl.envs.push_cube.camera import CameraConfig, camera_frame, focal_pixels

Box3 = tuple[tuple[float, float, float], tuple[float, float, float]]
"""An axis-aligned world box ``(low, high)`` (m)."""


class WindowShape(NamedTuple):
    """The constant size of one primitive kind's windows."""

    rows: int
    """Window height (pixels, at most the image height)."""
    cols: int
    """Window width (pixels, at most the image width)."""

    @property
    def pixels(self) -> int:
        """Pixels per window."""
        return self.rows * self.cols


def nearest_distance(eye: tuple[float, ...], box: Box3) -> float:
    """Smallest distance (m) from ``eye`` to any point of ``box``."""
    low, high = box
    gaps = [max(lo - e, 0.0, e - hi) for e, lo, hi in zip(eye, low, high, strict=True)]
    return math.hypot(*gaps)


def window_shape(cam: CameraConfig, radius: float, nearest: float) -> WindowShape:
    """The window holding every pixel of a bounding sphere of ``radius`` (m) whose centre
    stays ``nearest`` (m) or farther from the eye; the whole image where that cannot be
    bounded."""
    full = WindowShape(cam.height, cam.width)
    if not nearest > radius:
        return full
    focal = focal_pixels(cam)
    corner = math.atan(math.hypot(0.5 * cam.width, 0.5 * cam.height) / focal)
    alpha = math.asin(radius / nearest)
    if corner + alpha >= 0.5 * math.pi - 1e-3:
        return full
    reach = focal * alpha / math.cos(corner + alpha) ** 2  # pixels from the centre
    # Pixel centres sit at +0.5; 0.01 px covers float32 error (about 1e-4 px here).
    half = math.ceil(reach + 0.51)
    side = 2 * half + 1
    return WindowShape(min(side, cam.height), min(side, cam.width))


class ScreenWindows:
    """Projects primitive centres on device and lists the pixels of their windows."""

    def __init__(self, cam: CameraConfig, device: torch.device | str) -> None:
        self.cam = cam
        frame = camera_frame(cam)
        self.basis = torch.stack(frame, dim=-1).to(device=device, dtype=torch.float32)
        self.eye = torch.tensor(cam.eye, dtype=torch.float32, device=device)
        self.focal = focal_pixels(cam)
        self.device = device

    def centres(self, points: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Continuous (row, col) of world ``points [..., 3]``; finite for every input (points
        behind the eye land far off screen, where no window of a visible primitive is)."""
        local = (points - self.eye) @ self.basis
        depth = local[..., 2].clamp(min=1e-6)
        col = 0.5 * self.cam.width + self.focal * local[..., 0] / depth
        row = 0.5 * self.cam.height - self.focal * local[..., 1] / depth
        limit = float(4 * max(self.cam.width, self.cam.height))
        return (
            row.nan_to_num(limit).clamp(-limit, limit),
            col.nan_to_num(limit).clamp(-limit, limit),
        )

    def pixels(self, points: torch.Tensor, shape: WindowShape) -> torch.Tensor:
        """Flat pixel indices ``[N, M * rows * cols]`` of the windows around ``points
        [N, M, 3]``, each shifted inside the image (so one window lists distinct pixels)."""
        row, col = self.centres(points)
        top = (row.floor() - (shape.rows // 2)).clamp(0, self.cam.height - shape.rows)
        left = (col.floor() - (shape.cols // 2)).clamp(0, self.cam.width - shape.cols)
        dr = torch.arange(shape.rows, device=self.device).repeat_interleave(shape.cols)
        dc = torch.arange(shape.cols, device=self.device).repeat(shape.rows)
        flat = (top.long()[..., None] + dr) * self.cam.width + left.long()[..., None] + dc
        return flat.reshape(points.shape[0], -1)


def stick_pieces(
    cam: CameraConfig, length: float, radius: float, base_box: Box3, max_pieces: int = 8
) -> tuple[int, WindowShape]:
    """Split a vertical stick of ``length`` and ``radius`` (m) standing on a point inside
    ``base_box`` into the number of equal pieces whose windows cover the fewest pixels."""
    best: tuple[int, int, WindowShape] | None = None
    for pieces in range(1, max_pieces + 1):
        piece = length / pieces
        nearest = min(
            nearest_distance(cam.eye, _raised(base_box, (i + 0.5) * piece)) for i in range(pieces)
        )
        shape = window_shape(cam, 0.5 * piece + radius, nearest)
        cost = pieces * shape.pixels
        if best is None or cost < best[0]:
            best = (cost, pieces, shape)
    assert best is not None
    return best[1], best[2]


def _raised(box: Box3, dz: float) -> Box3:
    low, high = box
    return (low[0], low[1], low[2] + dz), (high[0], high[1], high[2] + dz)
