"""DrQ's random-shift image augmentation (Yarats et al., 2021), batched on the device.

Each sample's image is padded by ``pad`` pixels on every side by repeating its border
pixels (replicate padding), then an ``H x W`` window is cut back out at a random offset in
``[0, 2 * pad]`` along each axis: the picture moves by up to ``pad`` pixels. The crop is an
integer gather (no interpolation), so ``uint8`` images stay exact ``uint8``; every sample
gets its own offset; nothing reads a device value on the host.
"""

from __future__ import annotations

from collections.abc import Mapping

import torch

from embodichain_rl.utils.observations import Observation, is_image_shape

AUGMENTATIONS = ("none", "random_shift")
"""``algorithm.augmentation`` values: no augmentation, DrQ's random shift."""


def draw_shifts(
    rows: int, pad: int, generator: torch.Generator | None, device: torch.device | str
) -> torch.Tensor:
    """Crop offsets ``[rows, 2]`` (row, column), each uniform in ``[0, 2 * pad]``."""
    return torch.randint(0, 2 * pad + 1, (rows, 2), generator=generator, device=device)


def shift_images(images: torch.Tensor, shifts: torch.Tensor, pad: int) -> torch.Tensor:
    """``images`` ``[B, C, H, W]`` replicate-padded by ``pad`` and cropped back to ``H x W``
    at ``shifts`` ``[B, 2]`` (offset ``pad`` in both: the image unchanged); same dtype."""
    batch, _, height, width = images.shape
    device = images.device
    offsets = shifts.to(device=device, dtype=torch.long) - pad
    rows = (torch.arange(height, device=device) + offsets[:, :1]).clamp_(0, height - 1)
    cols = (torch.arange(width, device=device) + offsets[:, 1:]).clamp_(0, width - 1)
    channels = images.shape[1]
    row_index = rows.view(batch, 1, height, 1).expand(batch, channels, height, width)
    col_index = cols.view(batch, 1, 1, width).expand(batch, channels, height, width)
    return images.gather(2, row_index).gather(3, col_index)


def random_shift(
    obs: Observation, pad: int, generator: torch.Generator | None = None
) -> Observation:
    """``obs`` with every image key (a ``[B, C, H, W]`` value) randomly shifted by up to
    ``pad`` pixels; one offset per sample, shared by its image keys (``rgb`` and ``depth``
    stay aligned); vector keys and flat observations are returned as they are."""
    if pad == 0 or not isinstance(obs, Mapping):
        return obs
    images = [key for key, value in obs.items() if is_image_shape(value.shape[1:])]
    if not images:
        return obs
    first = obs[images[0]]
    shifts = draw_shifts(first.shape[0], pad, generator, first.device)
    out = dict(obs)
    for key in images:
        out[key] = shift_images(obs[key], shifts, pad)
    return out
