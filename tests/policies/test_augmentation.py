"""DrQ's random shift against hand-computed crops and a NumPy ``np.pad(mode="edge")``
re-implementation: a known shift moves a known pixel, the border is replicated, every
sample gets its own offset, pad 0 is the identity, only image keys move."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from embodichain_rl.policies.augmentation import draw_shifts, random_shift, shift_images


def _numpy_shift(image: np.ndarray, dy: int, dx: int, pad: int) -> np.ndarray:
    """Replicate-pad ``[C, H, W]`` by ``pad`` and crop ``H x W`` at ``(dy, dx)``."""
    _, height, width = image.shape
    padded = np.pad(image, ((0, 0), (pad, pad), (pad, pad)), mode="edge")
    return padded[:, dy : dy + height, dx : dx + width]


def test_a_known_shift_moves_a_known_pixel() -> None:
    image = torch.arange(25, dtype=torch.uint8).reshape(1, 1, 5, 5)  # value = 5 * row + col
    # Offsets (pad + 1, pad - 1): output pixel (i, j) reads input (i + 1, j - 1).
    out = shift_images(image, torch.tensor([[3, 1]]), pad=2)[0, 0]
    assert out[0, 1] == 5 * 1 + 0
    assert out[2, 3] == 5 * 3 + 2
    assert out[0, 0] == 5 * 1 + 0  # column -1 is the replicated column 0
    assert out[4, 4] == 5 * 4 + 3  # row 5 is the replicated row 4


def test_replicate_padding_at_the_border() -> None:
    image = torch.arange(16, dtype=torch.uint8).reshape(1, 1, 4, 4)
    out = shift_images(image, torch.tensor([[0, 0]]), pad=2)[0, 0]  # 2 px down and right
    assert out[:3, :3].eq(0).all()  # the top-left pixel, repeated
    assert out[3, 3] == 5  # input (1, 1)
    assert out[3].tolist() == [4, 4, 4, 5]  # input row 1, its left border replicated


def test_matches_numpy_edge_padding_per_sample() -> None:
    generator = torch.Generator().manual_seed(1)
    images = torch.randint(0, 256, (16, 3, 9, 7), dtype=torch.uint8, generator=generator)
    shifts = draw_shifts(16, 3, generator, "cpu")
    out = shift_images(images, shifts, pad=3)
    assert out.dtype == torch.uint8 and out.shape == images.shape
    for b in range(16):
        dy, dx = shifts[b].tolist()
        expected = _numpy_shift(images[b].numpy(), dy, dx, 3)
        np.testing.assert_array_equal(out[b].numpy(), expected)


def test_every_sample_gets_its_own_shift() -> None:
    generator = torch.Generator().manual_seed(0)
    shifts = draw_shifts(512, 4, generator, "cpu")
    assert shifts.min() == 0 and shifts.max() == 8
    assert len({tuple(row) for row in shifts.tolist()}) == 81  # all 9 x 9 offsets occur
    image = torch.arange(100, dtype=torch.float32).reshape(1, 1, 10, 10).repeat(64, 1, 1, 1)
    out = random_shift({"rgb": image}, 4, torch.Generator().manual_seed(0))["rgb"]
    distinct = {tuple(sample.flatten().tolist()) for sample in out}
    assert len(distinct) > 32  # one identical image, many different crops


def test_pad_zero_is_the_identity_and_vectors_are_untouched() -> None:
    rgb = torch.randint(0, 256, (4, 3, 8, 8), dtype=torch.uint8)
    state = torch.randn(4, 5)
    obs = {"rgb": rgb, "state": state}
    assert torch.equal(shift_images(rgb, torch.zeros(4, 2, dtype=torch.long), pad=0), rgb)
    assert random_shift(obs, 0) is obs
    shifted = random_shift(obs, 2, torch.Generator().manual_seed(0))
    assert shifted["state"] is state and obs["rgb"] is rgb  # input dict not modified
    flat = torch.randn(4, 7)
    assert random_shift(flat, 4) is flat


def test_image_keys_of_one_sample_share_the_shift() -> None:
    rgb = torch.arange(3 * 36, dtype=torch.float32).reshape(1, 3, 6, 6).repeat(32, 1, 1, 1)
    depth = rgb[:, :1].clone()
    out = random_shift({"rgb": rgb, "depth": depth}, 2, torch.Generator().manual_seed(3))
    assert torch.equal(out["depth"], out["rgb"][:, :1])


@pytest.mark.parametrize("pad", [1, 4])
def test_same_generator_same_crops(pad: int) -> None:
    rgb = torch.randint(0, 256, (8, 3, 12, 12), dtype=torch.uint8)
    a = random_shift({"rgb": rgb}, pad, torch.Generator().manual_seed(5))["rgb"]
    b = random_shift({"rgb": rgb}, pad, torch.Generator().manual_seed(5))["rgb"]
    assert torch.equal(a, b)
