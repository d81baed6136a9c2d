"""The PushCube camera: a fixed perspective pinhole, its per-pixel rays and its projection.

Conventions: world frame z up (table top z = 0), the camera looks from ``eye`` at ``look_at``
with world z as "up" on screen. Pixel ``(row, col)`` has its centre at ``(row + 0.5,
col + 0.5)``; row 0 is the top of the image. The focal length in pixels is
``f = (height / 2) / tan(fov_deg / 2)`` (square pixels), so a camera-frame point with
right / up / forward coordinates ``(x, y, z)`` lands at ``col = width / 2 + f x / z`` and
``row = height / 2 - f y / z``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import torch

FIELD_OF_VIEW = (0.0, 180.0)
"""Open interval of valid vertical fields of view (degrees)."""
IMAGE_SIDE = (8, 512)
"""Closed interval of valid image widths and heights (pixels)."""


@dataclass
class CameraConfig:
    """The PushCube camera (``obs_mode=rgb`` / ``rgb_state``, ``render()`` in those modes)."""

    width: int = 64
    """Image width (pixels, 8..512)."""
    height: int = 64
    """Image height (pixels, 8..512)."""
    fov_deg: float = 40.0
    """Vertical field of view (degrees, in (0, 180))."""
    eye: tuple[float, float, float] = (1.3, -0.3, 0.9)
    """Camera position (m, world frame); the default looks down (about 50 deg) at the
    workspace from beyond its far edge, a little to the right of the robot's x axis."""
    look_at: tuple[float, float, float] = (0.65, 0.05, 0.05)
    """Point the optical axis passes through (m); must differ from ``eye`` and not lie
    straight above or below it (world z is the screen's up)."""
    depth: bool = False
    """Also return ``depth``: float32 distance along the optical axis (m) per pixel."""
    far: float = 10.0
    """Depth written where a ray hits nothing (m, > 0); also the farthest hit drawn."""
    light_dir: tuple[float, float, float] = (0.3, -0.5, 1.0)
    """Direction towards the (distant) light, world frame; need not be unit length."""
    ambient: float = 0.35
    """Brightness of a surface facing away from the light (0..1); 1 is no shading."""

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first out-of-range field and what is valid."""
        problems = camera_problems(self)
        if problems:
            raise ValueError(f"invalid camera config: {problems[0]}")


def camera_problems(cfg: CameraConfig) -> list[str]:
    """One message per out-of-range field of ``cfg``."""
    problems: list[str] = []
    for name in ("width", "height"):
        value = getattr(cfg, name)
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{name} must be an integer in {list(IMAGE_SIDE)}, got {value!r}")
        elif not IMAGE_SIDE[0] <= value <= IMAGE_SIDE[1]:
            problems.append(f"{name} must be in {list(IMAGE_SIDE)}, got {value}")
    if not FIELD_OF_VIEW[0] < cfg.fov_deg < FIELD_OF_VIEW[1]:
        problems.append(f"fov_deg must be in (0, 180) degrees, got {cfg.fov_deg}")
    for name in ("eye", "look_at", "light_dir"):
        if len(getattr(cfg, name)) != 3:
            problems.append(f"{name} needs 3 values (x, y, z), got {list(getattr(cfg, name))}")
    if problems:
        return problems
    axis = [t - e for t, e in zip(cfg.look_at, cfg.eye, strict=True)]
    if math.hypot(*axis) < 1e-6:
        problems.append(f"look_at must differ from eye, both are {list(cfg.eye)}")
    elif math.hypot(axis[0], axis[1]) < 1e-6 * math.hypot(*axis):
        problems.append("look_at must not be straight above or below eye (z is screen up)")
    if math.hypot(*cfg.light_dir) < 1e-6:
        problems.append("light_dir must not be zero")
    if not cfg.far > 0:
        problems.append(f"far must be > 0, got {cfg.far}")
    if not 0.0 <= cfg.ambient <= 1.0:
        problems.append(f"ambient must be in [0, 1], got {cfg.ambient}")
    return problems


def camera_from(value: CameraConfig | Mapping[str, Any], base: CameraConfig) -> CameraConfig:
    """``value`` itself, or ``base`` with the fields a mapping names (a Hydra / Python dict);
    an unknown key raises ``TypeError`` listing the valid ones."""
    if isinstance(value, CameraConfig):
        return value
    if not isinstance(value, Mapping):
        raise TypeError(f"camera must be a CameraConfig or a mapping, got {type(value).__name__}")
    valid = [f.name for f in dataclasses.fields(CameraConfig)]
    unknown = sorted(str(key) for key in value if key not in valid)
    if unknown:
        raise TypeError(f"unknown camera key(s) {unknown}; valid keys: {valid}")
    fields = {str(k): tuple(v) if isinstance(v, list | tuple) else v for k, v in value.items()}
    return dataclasses.replace(base, **fields)


class CameraFrame(NamedTuple):
    """The camera's orthonormal frame in world coordinates."""

    right: torch.Tensor
    """Screen right ``[3]``."""
    up: torch.Tensor
    """Screen up ``[3]``."""
    forward: torch.Tensor
    """Optical axis ``[3]`` (from eye towards look_at)."""


def camera_frame(cfg: CameraConfig) -> CameraFrame:
    """Right, up and forward unit vectors (float64, CPU) of ``cfg``'s camera."""
    eye = torch.tensor(cfg.eye, dtype=torch.float64)
    forward = torch.tensor(cfg.look_at, dtype=torch.float64) - eye
    forward = forward / forward.norm()
    world_up = torch.tensor((0.0, 0.0, 1.0), dtype=torch.float64)
    right = torch.linalg.cross(forward, world_up)
    right = right / right.norm()
    up = torch.linalg.cross(right, forward)
    return CameraFrame(right, up, forward)


def focal_pixels(cfg: CameraConfig) -> float:
    """Focal length in pixels (square pixels, vertical field of view)."""
    return 0.5 * cfg.height / math.tan(math.radians(cfg.fov_deg) / 2.0)


class CameraRays(NamedTuple):
    """Constant per-pixel rays of a fixed camera, row-major over the image."""

    origin: torch.Tensor
    """Eye position ``[3]`` float32 (every ray starts there)."""
    directions: torch.Tensor
    """Unit ray directions ``[3, P]`` float32, ``P = height * width`` (columns are pixels,
    ready for ``[N, K, 3] @ directions``)."""
    axial: torch.Tensor
    """``[P]``: cosine between each ray and the optical axis (depth = distance * axial)."""


def camera_rays(cfg: CameraConfig, device: torch.device | str) -> CameraRays:
    """The rays through every pixel centre, built once per camera (float64 maths, float32
    result on ``device``)."""
    frame = camera_frame(cfg)
    f = focal_pixels(cfg)
    cols = torch.arange(cfg.width, dtype=torch.float64) + 0.5 - 0.5 * cfg.width
    rows = 0.5 * cfg.height - (torch.arange(cfg.height, dtype=torch.float64) + 0.5)
    x = (cols / f).expand(cfg.height, -1).reshape(-1)
    y = (rows / f)[:, None].expand(-1, cfg.width).reshape(-1)
    raw = frame.right[:, None] * x + frame.up[:, None] * y + frame.forward[:, None]
    norm = raw.norm(dim=0)
    directions = raw / norm
    return CameraRays(
        origin=torch.tensor(cfg.eye, dtype=torch.float32, device=device),
        directions=directions.to(device=device, dtype=torch.float32),
        axial=(1.0 / norm).to(device=device, dtype=torch.float32),
    )


def project_points(cfg: CameraConfig, points: torch.Tensor) -> torch.Tensor:
    """Pixel coordinates ``[..., 2]`` as (row, col), continuous (pixel centres at +0.5), of
    world ``points [..., 3]``; meaningful for points in front of the camera."""
    frame = camera_frame(cfg)
    rel = points.to(torch.float64) - torch.tensor(cfg.eye, dtype=torch.float64)
    basis = torch.stack(frame, dim=-1).to(rel.device)
    local = rel @ basis
    f = focal_pixels(cfg)
    col = 0.5 * cfg.width + f * local[..., 0] / local[..., 2]
    row = 0.5 * cfg.height - f * local[..., 1] / local[..., 2]
    return torch.stack((row, col), dim=-1).to(points.dtype)
