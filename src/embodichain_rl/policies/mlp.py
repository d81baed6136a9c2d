"""Multi-layer perceptrons with named activations and orthogonal initialisation."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Protocol

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
    gains: Sequence[float] | None = None,
    last_activation: str | None = None,
) -> nn.Sequential:
    """``Linear -> activation`` for each hidden size, then a linear output layer, then
    ``last_activation`` when given (e.g. ``tanh`` to keep an actor's mean in [-1, 1]).

    Weights are orthogonal, biases zero. The gains are ``gains`` when given (one per linear
    layer, input to output: EmbodiChain's ``orthogonal_init``), else ``hidden_gain`` for
    hidden layers and ``output_gain`` for the output (0.01 for an actor mean, 1.0 for a
    critic). ``hidden_sizes`` may be empty (a single linear map).
    """
    if in_dim < 1 or out_dim < 1:
        raise ValueError(f"build_mlp needs positive dims, got in_dim={in_dim}, out_dim={out_dim}")
    sizes = [int(h) for h in hidden_sizes]
    if any(h < 1 for h in sizes):
        raise ValueError(f"hidden_sizes must be positive integers, got {list(hidden_sizes)}")
    get_activation(activation)
    layer_gains = _layer_gains(len(sizes), hidden_gain, output_gain, gains)
    layers: list[nn.Module] = []
    prev = in_dim
    for size, gain in zip(sizes, layer_gains, strict=False):
        linear = nn.Linear(prev, size)
        orthogonal_init(linear, gain)
        layers += [linear, get_activation(activation)]
        prev = size
    head = nn.Linear(prev, out_dim)
    orthogonal_init(head, layer_gains[-1])
    layers.append(head)
    if last_activation is not None:
        layers.append(get_activation(last_activation))
    return nn.Sequential(*layers)


def _layer_gains(
    num_hidden: int, hidden_gain: float, output_gain: float, gains: Sequence[float] | None
) -> list[float]:
    """One orthogonal-init gain per linear layer: ``gains`` (checked), else the defaults."""
    if gains is None:
        return [hidden_gain] * num_hidden + [output_gain]
    values = [float(gain) for gain in gains]
    if len(values) != num_hidden + 1 or any(gain <= 0 for gain in values):
        raise ValueError(
            f"gains needs {num_hidden + 1} positive values (one per linear layer), got {values}"
        )
    return values


class NetworkSpec(Protocol):
    """The network fields ``build_network`` reads (``PolicyNetworkConfig`` has them)."""

    hidden_sizes: list[int]
    activation: str
    last_activation: str | None
    orthogonal_init: list[float] | None


def build_network(in_dim: int, out_dim: int, cfg: NetworkSpec, output_gain: float) -> nn.Sequential:
    """``build_mlp`` from a network config: its sizes, activation, output activation and
    per-layer gains (``output_gain`` for the output when ``cfg.orthogonal_init`` is null)."""
    return build_mlp(
        in_dim,
        out_dim,
        hidden_sizes=cfg.hidden_sizes,
        activation=cfg.activation,
        output_gain=output_gain,
        gains=cfg.orthogonal_init,
        last_activation=cfg.last_activation,
    )
