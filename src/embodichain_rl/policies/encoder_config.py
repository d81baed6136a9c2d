"""``EncoderConfig``: how an ``ActorCritic`` turns a dict observation into one feature
vector (the image CNN, its width, the MLP of the vector keys), written once.

Nested in ``ActorCriticConfig`` as ``encoder`` (``policy.encoder.type=impala`` on the
command line); ignored for flat observations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from embodichain_rl.policies.mlp import ACTIVATIONS

ENCODER_TYPES = ("none", "nature_cnn", "impala")
"""``encoder.type`` values: no image encoder (vector keys only), the Nature-DQN CNN, the
IMPALA ResNet."""


@dataclass
class EncoderConfig:
    """The image and vector encoders of a dict-observation ``ActorCritic``."""

    type: str = "none"
    """Image encoder: none (the observation read has no image key), nature_cnn or impala."""
    features: int = 256
    """Width of the image feature vector the CNN's last linear layer outputs (>= 1)."""
    nature_channels: list[int] = field(default_factory=lambda: [32, 64, 64])
    """Output channels of nature_cnn's three convolutions (8x8/4, 4x4/2, 3x3/1)."""
    impala_channels: list[int] = field(default_factory=lambda: [16, 32, 32])
    """Output channels of each IMPALA stage (conv, max-pool, two residual blocks), in order."""
    state_hidden_sizes: list[int] = field(default_factory=lambda: [64])
    """MLP the vector keys go through before joining the image features ([]: used as is)."""
    activation: str = "relu"
    """Activation of the CNN layers and of the vector-key MLP."""
    share: bool = True
    """Actor and critic share one encoder (trained by both losses) when they read the same keys."""

    def __post_init__(self) -> None:
        self.impala_channels = [int(c) for c in self.impala_channels]
        self.nature_channels = [int(c) for c in self.nature_channels]
        self.state_hidden_sizes = [int(s) for s in self.state_hidden_sizes]
        problems = []
        if self.type not in ENCODER_TYPES:
            problems.append(f"type must be one of {list(ENCODER_TYPES)}, got {self.type!r}")
        if self.features < 1:
            problems.append(f"features must be >= 1, got {self.features}")
        if not self.impala_channels or min(self.impala_channels) < 1:
            problems.append(
                f"impala_channels must list positive channel counts, got {self.impala_channels}"
            )
        if len(self.nature_channels) != 3 or min(self.nature_channels) < 1:
            problems.append(
                f"nature_channels must list 3 positive channel counts, got {self.nature_channels}"
            )
        if any(size < 1 for size in self.state_hidden_sizes):
            problems.append(
                f"state_hidden_sizes must be positive integers, got {self.state_hidden_sizes}"
            )
        if self.activation.lower() not in ACTIVATIONS:
            problems.append(
                f"unknown activation {self.activation!r}; valid names: {sorted(ACTIVATIONS)}"
            )
        if problems:
            raise ValueError("invalid encoder config: " + "; ".join(problems))


def as_encoder_config(value: EncoderConfig | Mapping[str, Any] | None) -> EncoderConfig:
    """Coerce an ``EncoderConfig``, a plain/OmegaConf mapping or ``None`` (the defaults);
    unknown keys and invalid values raise one line naming them."""
    if value is None:
        return EncoderConfig()
    if isinstance(value, EncoderConfig):
        value = asdict(value)
    if not isinstance(value, Mapping):
        raise TypeError(f"policy.encoder must be a mapping, got {type(value).__name__}")
    valid = [f.name for f in fields(EncoderConfig)]
    unknown = sorted(set(map(str, value)) - set(valid))
    if unknown:
        raise ValueError(f"policy.encoder: unknown keys {unknown}; valid: {valid}")
    return EncoderConfig(**{str(k): v for k, v in value.items()})
