"""Multi-layer perceptrons with named activations and orthogonal initialisation."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from torch import nn

ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "elu": nn.ELU,
    "gelu": nn.GELU,
    "silu": nn.SiLU,
    "leaky_relu": nn.LeakyReLU,
    "selu": nn.SELU,
    "softplus": nn.Softplus,
    "sigmoid": nn.Sigmoid,
    "mish": nn.Mish,
    "identity": nn.Identity,
}
"""Activation names accepted by ``build_mlp`` (and every config that names one)."""

HIDDEN_GAIN = math.sqrt(2.0)
"""Orthogonal-init gain of hidden layers."""


def get_activation(name: str) -> nn.Module:
    """Instantiate a named activation; an unknown name raises (never a silent fallback)."""
    try:
        return ACTIVATIONS[name.lower()]()
    except KeyError:
        raise ValueError(
            f"unknown activation {name!r}; valid names: {sorted(ACTIVATIONS)}"
        ) from None


def orthogonal_init(layer: nn.Linear, gain: float) -> None:
    """Orthogonal weights scaled by ``gain`` and a zero bias."""
    nn.init.orthogonal_(layer.weight, gain=gain)
    if layer.bias is not None:
        nn.init.zeros_(layer.bias)


def build_mlp(
    in_dim: int,
    out_dim: int,
    *,
    hidden_sizes: Sequence[int],
    activation: str,
    output_gain: float = 1.0,
    hidden_gain: float = HIDDEN_GAIN,
) -> nn.Sequential:
    """``Linear -> activation`` for each hidden size, then a linear output layer.

    Weights are orthogonal (``hidden_gain`` for hidden layers, ``output_gain`` for the output:
    0.01 for an actor mean, 1.0 for a critic), biases zero. ``hidden_sizes`` may be empty
    (a single linear map).
    """
    if in_dim < 1 or out_dim < 1:
        raise ValueError(f"build_mlp needs positive dims, got in_dim={in_dim}, out_dim={out_dim}")
    sizes = [int(h) for h in hidden_sizes]
    if any(h < 1 for h in sizes):
        raise ValueError(f"hidden_sizes must be positive integers, got {list(hidden_sizes)}")
    get_activation(activation)
    layers: list[nn.Module] = []
    prev = in_dim
    for size in sizes:
        linear = nn.Linear(prev, size)
        orthogonal_init(linear, hidden_gain)
        layers += [linear, get_activation(activation)]
        prev = size
    head = nn.Linear(prev, out_dim)
    orthogonal_init(head, output_gain)
    layers.append(head)
    return nn.Sequential(*layers)
