"""Headless side view of one cart-pole: the rail between its limits, the cart and the pole."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from embodichain_rl.envs.cart_pole.config import CartPoleConfig

BACKGROUND = (40, 44, 52)
RAIL = (150, 150, 160)
CART = (50, 110, 230)
POLE = (220, 170, 60)
FALLEN = (220, 60, 60)


def render_frame(*, cfg: CartPoleConfig, cart: float, angle: float) -> np.ndarray:
    """RGB ``uint8 [S, S, 3]`` frame: x to the right, the pole drawn at its full length."""
    size = cfg.render_size
    image = Image.new("RGB", (size, size), BACKGROUND)
    draw = ImageDraw.Draw(image)
    low, high = cfg.slider_limits
    scale = 0.9 * size / (high - low)
    rail_y = 0.7 * size

    def px(x: float) -> float:
        return size / 2 + (x - (low + high) / 2) * scale

    draw.line([(px(low), rail_y), (px(high), rail_y)], fill=RAIL, width=2)
    cart_x = px(cart)
    half_w, half_h = 0.05 * size, 0.025 * size
    draw.rectangle([cart_x - half_w, rail_y - half_h, cart_x + half_w, rail_y + half_h], fill=CART)
    length = 2.0 * cfg.pole_half_length * scale
    tip = (cart_x + length * math.sin(angle), rail_y - length * math.cos(angle))
    colour = FALLEN if abs(angle) > cfg.pole_fall_angle else POLE
    draw.line([(cart_x, rail_y), tip], fill=colour, width=max(2, size // 60))
    return np.asarray(image, dtype=np.uint8)
