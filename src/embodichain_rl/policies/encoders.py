"""Image encoders: a Nature-DQN-like CNN and an IMPALA-style ResNet, each mapping float
images ``[B, C, H, W]`` to ``[B, features]``, with the smallest H / W each accepts.

Sizes are computed from the layers' kernel / stride / padding (no dummy forward pass).
Weights are orthogonal (gain sqrt(2), like the MLPs' hidden layers), biases zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import torch
from torch import nn

from embodichain_rl.policies.mlp import HIDDEN_GAIN, get_activation

UINT8_SCALE = 255.0
"""uint8 images are divided by this on the fly (colour to [0, 1])."""


class Window(NamedTuple):
    """One sliding-window layer (convolution or pooling) as far as sizes go."""

    kernel: int
    stride: int
    padding: int


def output_size(size: int, windows: Sequence[Window]) -> int:
    """Spatial size after ``windows`` applied in order (PyTorch's floor rule); < 1 when
    the input is too small."""
    for window in windows:
        size = (size + 2 * window.padding - window.kernel) // window.stride + 1
        if size < 1:
            return size
    return size


def minimum_size(windows: Sequence[Window]) -> int:
    """The smallest input size for which every window still outputs at least one pixel."""
    size = 1
    for window in reversed(windows):
        size = max(1, (size - 1) * window.stride + window.kernel - 2 * window.padding)
    return size


def image_to_float(image: torch.Tensor) -> torch.Tensor:
    """A uint8 image scaled to [0, 1] as float32; a float image (e.g. depth) unchanged."""
    if image.dtype == torch.uint8:
        return image.to(torch.float32) / UINT8_SCALE
    return image.to(torch.float32)


def init_conv_(module: nn.Module) -> None:
    """Orthogonal weights (gain sqrt(2)) and zero biases for every conv / linear layer."""
    for layer in module.modules():
        if isinstance(layer, nn.Conv2d | nn.Linear):
            nn.init.orthogonal_(layer.weight, gain=HIDDEN_GAIN)
            if layer.bias is not None:
                nn.init.zeros_(layer.bias)


def _check_size(name: str, height: int, width: int, smallest: int) -> None:
    if min(height, width) < smallest:
        raise ValueError(
            f"{name} needs images of at least {smallest} x {smallest}, got {height} x {width}"
        )


class NatureCNN(nn.Module):
    """Conv 8x8 stride 4, conv 4x4 stride 2, conv 3x3 stride 1 (32, 64, 64 channels by
    default), each with the activation, then flatten, a linear layer to ``features`` and the
    activation."""

    WINDOWS = (Window(8, 4, 0), Window(4, 2, 0), Window(3, 1, 0))
    """The three convolutions' kernel, stride and padding."""

    def __init__(
        self,
        in_channels: int,
        height: int,
        width: int,
        features: int,
        activation: str = "relu",
        channels: Sequence[int] = (32, 64, 64),
    ) -> None:
        super().__init__()
        _check_size("nature_cnn", height, width, self.min_size())
        if len(channels) != len(self.WINDOWS):
            raise ValueError(f"nature_cnn needs 3 channel counts, got {list(channels)}")
        layers: list[nn.Module] = []
        prev = in_channels
        for window, out in zip(self.WINDOWS, channels, strict=True):
            layers += [nn.Conv2d(prev, out, window.kernel, window.stride, window.padding)]
            layers.append(get_activation(activation))
            prev = out
        flat = prev * output_size(height, self.WINDOWS) * output_size(width, self.WINDOWS)
        layers += [nn.Flatten(), nn.Linear(flat, features), get_activation(activation)]
        self.net = nn.Sequential(*layers)
        self.out_dim = int(features)
        """Width of the output feature vector."""
        init_conv_(self)

    @classmethod
    def min_size(cls) -> int:
        """The smallest H (and W) this encoder accepts: 36."""
        return minimum_size(cls.WINDOWS)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Float images ``[B, C, H, W]`` -> features ``[B, features]``."""
        return self.net(images)


class ResidualBlock(nn.Module):
    """``x + conv(act(conv(act(x))))`` with same-size 3x3 convolutions (IMPALA's block)."""

    def __init__(self, channels: int, activation: str) -> None:
        super().__init__()
        self.body = nn.Sequential(
            get_activation(activation),
            nn.Conv2d(channels, channels, 3, padding=1),
            get_activation(activation),
            nn.Conv2d(channels, channels, 3, padding=1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The block's output, same shape as ``x``."""
        return x + self.body(x)


class ImpalaCNN(nn.Module):
    """IMPALA ResNet (Espeholt et al. 2018): per stage a 3x3 conv, a 3x3 stride-2 max-pool
    (padding 1, so each stage halves H and W, rounding up) and two residual blocks; then the
    activation, flatten, a linear layer to ``features`` and the activation."""

    STAGE_WINDOWS = (Window(3, 1, 1), Window(3, 2, 1))
    """Size-changing layers of one stage: the conv (same size) and the max-pool."""

    def __init__(
        self,
        in_channels: int,
        height: int,
        width: int,
        features: int,
        channels: Sequence[int] = (16, 32, 32),
        activation: str = "relu",
    ) -> None:
        super().__init__()
        _check_size("impala", height, width, self.min_size(len(channels)))
        layers: list[nn.Module] = []
        prev = in_channels
        for out in channels:
            layers += [nn.Conv2d(prev, out, 3, padding=1), nn.MaxPool2d(3, 2, padding=1)]
            layers += [ResidualBlock(out, activation), ResidualBlock(out, activation)]
            prev = out
        windows = self.STAGE_WINDOWS * len(channels)
        flat = prev * output_size(height, windows) * output_size(width, windows)
        layers += [get_activation(activation), nn.Flatten()]
        layers += [nn.Linear(flat, features), get_activation(activation)]
        self.net = nn.Sequential(*layers)
        self.out_dim = int(features)
        """Width of the output feature vector."""
        init_conv_(self)

    @classmethod
    def min_size(cls, stages: int = 3) -> int:
        """The smallest H (and W) this encoder accepts: 1 (same-padded convs and pools that
        round up never shrink an image below one pixel; a 64-pixel image ends at 8 x 8)."""
        return minimum_size(cls.STAGE_WINDOWS * stages)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Float images ``[B, C, H, W]`` -> features ``[B, features]``."""
        return self.net(images)


def build_image_encoder(
    kind: str,
    in_channels: int,
    height: int,
    width: int,
    *,
    features: int,
    impala_channels: Sequence[int],
    activation: str,
    nature_channels: Sequence[int] = (32, 64, 64),
) -> NatureCNN | ImpalaCNN:
    """The encoder ``kind`` (nature_cnn or impala) for images ``[in_channels, height, width]``."""
    if kind == "nature_cnn":
        return NatureCNN(in_channels, height, width, features, activation, nature_channels)
    if kind == "impala":
        return ImpalaCNN(in_channels, height, width, features, impala_channels, activation)
    raise ValueError(f"unknown image encoder {kind!r}; valid: ['nature_cnn', 'impala']")


def encoder_min_size(kind: str, impala_channels: Sequence[int] = (16, 32, 32)) -> int:
    """The smallest image H / W the encoder ``kind`` accepts."""
    if kind == "nature_cnn":
        return NatureCNN.min_size()
    if kind == "impala":
        return ImpalaCNN.min_size(len(impala_channels))
    raise ValueError(f"unknown image encoder {kind!r}; valid: ['nature_cnn', 'impala']")
