"""Headless top-down renderer: table, goal disc, yawed cube, TCP and the arm's projection."""

from __future__ import annotations

import math

import numpy as np
import torch
from PIL import Image, ImageDraw

from embodichain_rl.envs.push_cube.config import PushCubeConfig
from embodichain_rl.envs.push_cube.kinematics import frame_origins

BACKGROUND = (40, 44, 52)
TABLE = (196, 170, 130)
GOAL = (90, 200, 110)
CUBE = (220, 60, 60)
CUBE_EDGE = (120, 20, 20)
TCP = (50, 110, 230)
ARM = (80, 80, 90)
ARM_JOINT = (30, 30, 35)
BASE = (60, 60, 70)


def render_frame(
    *,
    cfg: PushCubeConfig,
    qpos: torch.Tensor | None,
    tcp: torch.Tensor,
    cube: torch.Tensor,
    goal: torch.Tensor,
) -> np.ndarray:
    """RGB ``uint8 [S, S, 3]`` top-down view (x to the right, y up) of one env's state."""
    size = cfg.render_size
    image = Image.new("RGB", (size, size), BACKGROUND)
    draw = ImageDraw.Draw(image)
    cx, cy = cfg.render_center
    scale = cfg.render_scale

    def px(x: float, y: float) -> tuple[float, float]:
        return (size / 2 + (x - cx) * scale, size / 2 - (y - cy) * scale)

    x0, y0 = px(cfg.table_x_range[0], cfg.table_y_range[1])
    x1, y1 = px(cfg.table_x_range[1], cfg.table_y_range[0])
    draw.rectangle((x0, y0, x1, y1), fill=TABLE)

    gx, gy = px(float(goal[0]), float(goal[1]))
    gr = cfg.success_threshold * scale
    draw.ellipse((gx - gr, gy - gr, gx + gr, gy + gr), outline=GOAL, width=2)
    draw.ellipse((gx - 3, gy - 3, gx + 3, gy + 3), fill=GOAL)

    h = cfg.cube_half_size
    yaw = float(cube[2])
    c, s = math.cos(yaw), math.sin(yaw)
    corners = [
        px(float(cube[0]) + c * lx - s * ly, float(cube[1]) + s * lx + c * ly)
        for lx, ly in ((h, h), (-h, h), (-h, -h), (h, -h))
    ]
    draw.polygon(corners, fill=CUBE, outline=CUBE_EDGE)
    front = px(float(cube[0]) + c * h, float(cube[1]) + s * h)
    draw.line((px(float(cube[0]), float(cube[1])), front), fill=CUBE_EDGE, width=1)

    bx, by = px(0.0, 0.0)
    draw.ellipse((bx - 10, by - 10, bx + 10, by + 10), fill=BASE)
    if qpos is not None:
        points = frame_origins(qpos.to(torch.float64), cfg.tool_offset).numpy()
        path = [px(float(p[0]), float(p[1])) for p in points]
        draw.line(path, fill=ARM, width=5, joint="curve")
        for p in path[1:-1]:
            draw.ellipse((p[0] - 3, p[1] - 3, p[0] + 3, p[1] + 3), fill=ARM_JOINT)

    tx, ty = px(float(tcp[0]), float(tcp[1]))
    # Grows with height so a lifted TCP reads differently from one at the table.
    tr = max(cfg.tcp_radius * scale, 2.0) * (1.0 + 4.0 * max(float(tcp[2]) - cfg.tcp_radius, 0.0))
    draw.ellipse((tx - tr, ty - tr, tx + tr, ty + tr), fill=TCP, outline=(255, 255, 255))
    return np.asarray(image, dtype=np.uint8).copy()
