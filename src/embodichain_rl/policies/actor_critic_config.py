"""``ActorCriticConfig``: every ``ActorCritic`` option and its default, written once.

``ActorCritic(**options)`` builds this dataclass, and the Hydra ``policy=actor_critic``
schema reuses it (``conf/policy/actor_critic.yaml`` holds only deliberate overrides).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from embodichain_rl.policies.mlp import ACTIVATIONS

NETWORK_TYPES = ("mlp",)
"""Network ``type`` values ``ActorCritic`` can build."""


@dataclass
class NetworkConfig:
    """One network (actor or critic) of an ``ActorCritic``."""

    type: str = "mlp"
    """Architecture; only ``"mlp"`` today."""
    hidden_sizes: list[int] = field(default_factory=lambda: [128, 128])
    """Width of each hidden layer, input to output (at least one layer: an empty list is
    refused as the near-certain typo it is)."""
    activation: str = "elu"
    """Hidden activation name (see ``embodichain_rl.policies.mlp.ACTIVATIONS``)."""

    def __post_init__(self) -> None:
        self.hidden_sizes = [int(size) for size in self.hidden_sizes]
        problems = []
        if self.type not in NETWORK_TYPES:
            problems.append(
                f"unknown network type {self.type!r}; valid types: {list(NETWORK_TYPES)}"
            )
        if self.activation.lower() not in ACTIVATIONS:
            problems.append(
                f"unknown activation {self.activation!r}; valid names: {sorted(ACTIVATIONS)}"
            )
        if not self.hidden_sizes:
            problems.append("hidden_sizes must list at least one layer width, e.g. [128, 128]")
        if any(size < 1 for size in self.hidden_sizes):
            problems.append(f"hidden_sizes must be positive integers, got {self.hidden_sizes}")
        if problems:
            raise ValueError("invalid network config: " + "; ".join(problems))


def as_network_config(value: NetworkConfig | Mapping[str, Any] | None, role: str) -> NetworkConfig:
    """Coerce a ``NetworkConfig``, a plain/OmegaConf mapping or ``None`` (the defaults);
    unknown keys and invalid values raise naming ``role`` and the valid choices."""
    if value is None:
        return NetworkConfig()
    if isinstance(value, NetworkConfig):
        return NetworkConfig(value.type, list(value.hidden_sizes), value.activation)
    if not isinstance(value, Mapping):
        raise TypeError(f"{role} must be a NetworkConfig or a mapping, got {type(value)!r}")
    valid = {f.name for f in fields(NetworkConfig)}
    unknown = sorted(set(value) - valid)
    if unknown:
        raise ValueError(f"{role}: unknown network keys {unknown}; valid: {sorted(valid)}")
    try:
        return NetworkConfig(**{str(k): v for k, v in value.items()})
    except ValueError as error:
        raise ValueError(f"{role}: {error}") from None


@dataclass
class ActorCriticConfig:
    """Every ``ActorCritic`` option (the Hydra ``policy`` schema reuses this class)."""

    actor: NetworkConfig = field(default_factory=NetworkConfig)
    """Actor network (type, hidden_sizes, activation)."""
    critic: NetworkConfig = field(default_factory=NetworkConfig)
    """Critic network (type, hidden_sizes, activation)."""
    init_log_std: float = 0.0
    """Initial log standard deviation of every action dimension (continuous actions only)."""
    normalize_obs: bool = False
    """Normalise observations with running mean/variance statistics saved with the policy."""
    clip_obs: float = 10.0
    """Clip normalised observations to ±clip_obs (> 0)."""
    obs_norm_eps: float = 1e-8
    """Variance floor of the observation normaliser (> 0)."""

    def __post_init__(self) -> None:
        self.actor = as_network_config(self.actor, "actor")
        self.critic = as_network_config(self.critic, "critic")
        problems = [
            f"{name} must be > 0, got {getattr(self, name)}"
            for name in ("clip_obs", "obs_norm_eps")
            if not getattr(self, name) > 0
        ]
        if problems:
            raise ValueError("invalid ActorCritic config: " + "; ".join(problems))
