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
view) the window is the whole image. A vertical stick (the ee tool) gets one rectangle
around its projected axis instead, sized per axis (``stick_window``).
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
    reach = _reach(cam, focal_pixels(cam), radius, nearest)  # pixels from the centre
    if reach is None:
        return WindowShape(cam.height, cam.width)
    # Pixel centres sit at +0.5; 0.01 px covers float32 error (about 1e-4 px here).
    half = math.ceil(reach + 0.51)
    side = 2 * half + 1
    return WindowShape(min(side, cam.height), min(side, cam.width))


class StickWindow(NamedTuple):
    """The constant window of a vertical stick and what places it (``ScreenWindows.stick``)."""

    shape: WindowShape
    """Window size (pixels): the stick's projected extent per axis plus its radius's reach."""
    reach: float
    """Pixels a hit can lie from the projection of its nearest axis point (the radius's
    angular size at the stick's nearest distance, stretched as in ``window_shape``)."""


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

    def stick(self, start: torch.Tensor, end: torch.Tensor, window: StickWindow) -> torch.Tensor:
        """Flat pixel indices ``[N, rows * cols]`` of the window around the projected axis
        ``start [N, 3]`` to ``end [N, 3]`` (a segment: both ends are in front of the eye),
        widened by ``window.reach`` and shifted inside the image."""
        shape, reach = window.shape, window.reach
        row0, col0 = self.centres(start)
        row1, col1 = self.centres(end)
        top = self._first(row0, row1, reach, self.cam.height, shape.rows)
        left = self._first(col0, col1, reach, self.cam.width, shape.cols)
        dr = torch.arange(shape.rows, device=self.device).repeat_interleave(shape.cols)
        dc = torch.arange(shape.cols, device=self.device).repeat(shape.rows)
        return (top[:, None] + dr) * self.cam.width + left[:, None] + dc

    @staticmethod
    def _first(
        a: torch.Tensor, b: torch.Tensor, reach: float, image: int, size: int
    ) -> torch.Tensor:
        """First window pixel on one axis: pixel ``i`` (centre ``i + 0.5``) holds hits of
        axis points projected within ``reach`` of it; points beyond the image plus the reach
        add none, so the span is clipped there."""
        lo = torch.minimum(a, b).clamp(-reach - 1.0, image + reach + 1.0)
        return (lo - reach - 0.51).floor_().clamp_(0, image - size).long()


def stick_window(
    cam: CameraConfig, length: float, radius: float, base_box: Box3, splits: int = 24
) -> StickWindow:
    """The window of a vertical stick of ``length`` and ``radius`` (m) standing on a point of
    ``base_box``. World z has no screen-right component, so along the axis only the depth
    ``z`` and height ``y`` change: the projection spans ``f L |x| |u_z| / (z0 z1)`` columns
    and ``f L |y0 u_z - u_y z0| / (z0 z1)`` rows (``u``: world z in the camera frame; z0, z1:
    base and top depths). These are bounded on each of ``splits^3`` cells of the box (the
    numerators are linear: largest at a corner; the depths smallest at one), a cell whose
    swept box projects wholly off the image adds nothing, and each span stops at the image
    widened by the reach (``ScreenWindows.stick`` clips there)."""
    full = StickWindow(WindowShape(cam.height, cam.width), 0.0)
    focal = focal_pixels(cam)
    reach = _reach(cam, focal, radius, nearest_distance(cam.eye, _swept(base_box, length)))
    if reach is None:
        return full
    frame = camera_frame(cam)
    basis = torch.stack(frame, dim=-1)  # float64 [3, 3]: columns right, up, forward
    u_y, u_z = float(frame.up[2]), float(frame.forward[2])
    low, high = (torch.tensor(b, dtype=torch.float64) for b in base_box)
    steps = torch.linspace(0.0, 1.0, splits + 1, dtype=torch.float64)
    grid = torch.stack(torch.meshgrid(steps, steps, steps, indexing="ij"), -1)
    eye = torch.tensor(cam.eye, dtype=torch.float64)
    points = (low + (high - low) * grid - eye) @ basis  # camera frame [s+1]^3 x 3
    cells = _cell_corners(points)  # [cells, 8, 3] (box corners of each cell)
    top = cells + torch.tensor((0.0, u_y * length, u_z * length), dtype=torch.float64)
    z0, z1 = cells[..., 2].amin(1), top[..., 2].amin(1)
    if not min(float(z0.min()), float(z1.min())) > 1e-6:
        return full
    swept = torch.cat((cells, top), 1)
    col = 0.5 * cam.width + focal * swept[..., 0] / swept[..., 2]
    row = 0.5 * cam.height - focal * swept[..., 1] / swept[..., 2]
    margin = reach + 1.0
    off = (
        (col.amax(1) < -margin)
        | (col.amin(1) > cam.width + margin)
        | (row.amax(1) < -margin)
        | (row.amin(1) > cam.height + margin)
    )
    scale = focal * length / (z0 * z1)
    cols = scale * abs(u_z) * cells[..., 0].abs().amax(1)
    rows = scale * (cells[..., 1] * u_z - u_y * cells[..., 2]).abs().amax(1)
    # The axis projects inside its cell's swept hull, clipped like the span.
    col, row = col.clamp(-margin, cam.width + margin), row.clamp(-margin, cam.height + margin)
    cols = torch.minimum(cols, col.amax(1) - col.amin(1))
    rows = torch.minimum(rows, row.amax(1) - row.amin(1))
    cols, rows = (float(v.masked_fill(off, 0.0).max()) for v in (cols, rows))

    def side(extent: float, image: int) -> int:
        # Clipped to the image +- (reach + 1); 2 pixels for the window's floor, 0.02 for
        # float32 error (about 1e-4 px here).
        extent = min(extent, image + 2.0 * reach + 2.0)
        return min(image, math.ceil(extent + 2.0 * reach + 2.02))

    return StickWindow(WindowShape(side(rows, cam.height), side(cols, cam.width)), reach)


def _reach(cam: CameraConfig, focal: float, radius: float, nearest: float) -> float | None:
    """Pixels from a centre's projection that a sphere of ``radius`` at ``nearest`` or
    farther can cover (see the module docstring); ``None`` where that is unbounded."""
    if not nearest > radius:
        return None
    corner = math.atan(math.hypot(0.5 * cam.width, 0.5 * cam.height) / focal)
    alpha = math.asin(radius / nearest)
    if corner + alpha >= 0.5 * math.pi - 1e-3:
        return None
    return focal * alpha / math.cos(corner + alpha) ** 2


def _cell_corners(points: torch.Tensor) -> torch.Tensor:
    """``[cells, 8, 3]`` corners of the cells of a grid of points ``[a, b, c, 3]``."""
    a, b, c = (n - 1 for n in points.shape[:3])
    corners = [
        points[i : i + a, j : j + b, k : k + c] for i in (0, 1) for j in (0, 1) for k in (0, 1)
    ]
    return torch.stack(corners, 3).reshape(-1, 8, 3)


def _swept(box: Box3, length: float) -> Box3:
    """``box`` stretched up by ``length``: where a vertical stick standing in it can be."""
    low, high = box
    return low, (high[0], high[1], high[2] + length)
