"""Top-down PointMass frames in numpy: workspace, obstacle discs, goal ring, the point."""

from __future__ import annotations

import numpy as np

FRAME_SIZE = 128
"""Frame width and height in pixels."""


def _disc(xx: np.ndarray, yy: np.ndarray, centre: np.ndarray, radius: float) -> np.ndarray:
    return (xx - centre[0]) ** 2 + (yy - centre[1]) ** 2 <= radius * radius


def render_frame(
    *,
    half: float,
    threshold: float,
    position: np.ndarray,
    goal: np.ndarray,
    obstacles: np.ndarray,
    radii: np.ndarray,
    size: int = FRAME_SIZE,
) -> np.ndarray:
    """RGB ``uint8 [size, size, 3]``: grey obstacles, green goal (at least 2 px), blue point;
    world ``y`` points up."""
    coords = (np.arange(size) + 0.5) / size * 2.0 * half - half
    xx, yy = np.meshgrid(coords, coords[::-1])
    frame = np.full((size, size, 3), 245, dtype=np.uint8)
    pixel = 2.0 * half / size
    for centre, radius in zip(obstacles, radii, strict=True):
        frame[_disc(xx, yy, centre, float(radius))] = (120, 120, 120)
    frame[_disc(xx, yy, goal, max(float(threshold), 2.0 * pixel))] = (40, 170, 60)
    frame[_disc(xx, yy, position, 3.0 * pixel)] = (30, 80, 220)
    return frame
