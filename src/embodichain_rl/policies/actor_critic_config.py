"""``ActorCriticConfig``: every ``ActorCritic`` option and its default, written once.

``ActorCritic(**options)`` builds this dataclass, and the Hydra ``policy=actor_critic``
schema reuses it (``conf/policy/actor_critic.yaml`` holds only deliberate overrides).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from embodichain_rl.policies.encoder_config import EncoderConfig, as_encoder_config
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
class PolicyNetworkConfig(NetworkConfig):
    """One MLP of an on-policy policy (``ActorCritic``'s actor and critic, ``ActorOnly``'s
    actor): ``NetworkConfig`` plus an output activation and per-layer orthogonal-init gains
    (EmbodiChain's ``network_cfg``)."""

    last_activation: str | None = None
    """Activation after the output layer (e.g. ``tanh`` to keep an actor's mean in [-1, 1]);
    null: a linear output."""
    orthogonal_init: list[float] | None = None
    """Orthogonal-init gain of every linear layer, input to output (len(hidden_sizes) + 1
    values, e.g. [1.414, 1.414, 0.01]); null: sqrt(2) for hidden layers and the policy's
    output gain (0.01 for an actor, 1.0 for a critic)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        problems = []
        if self.last_activation is not None and self.last_activation.lower() not in ACTIVATIONS:
            problems.append(
                f"unknown last_activation {self.last_activation!r}; valid names: "
                f"{sorted(ACTIVATIONS)} or null"
            )
        if self.orthogonal_init is not None:
            self.orthogonal_init = [float(gain) for gain in self.orthogonal_init]
            layers = len(self.hidden_sizes) + 1
            if len(self.orthogonal_init) != layers:
                problems.append(
                    f"orthogonal_init needs {layers} gains (one per linear layer: "
                    f"hidden_sizes {self.hidden_sizes} + output), got {self.orthogonal_init}"
                )
            if any(gain <= 0 for gain in self.orthogonal_init):
                problems.append(f"orthogonal_init gains must be > 0, got {self.orthogonal_init}")
        if problems:
            raise ValueError("invalid network config: " + "; ".join(problems))


def as_policy_network_config(value: Any, role: str) -> PolicyNetworkConfig:
    """Coerce a ``PolicyNetworkConfig`` / ``NetworkConfig``, a plain/OmegaConf mapping or
    ``None`` (the defaults); unknown keys and invalid values raise naming ``role`` and the
    valid keys."""
    if value is None:
        return PolicyNetworkConfig()
    if isinstance(value, NetworkConfig):
        value = asdict(value)
    if not isinstance(value, Mapping):
        raise TypeError(f"{role} must be a PolicyNetworkConfig or a mapping, got {type(value)!r}")
    valid = {f.name for f in fields(PolicyNetworkConfig)}
    unknown = sorted(set(value) - valid)
    if unknown:
        raise ValueError(f"{role}: unknown network keys {unknown}; valid: {sorted(valid)}")
    try:
        return PolicyNetworkConfig(**{str(k): v for k, v in value.items()})
    except ValueError as error:
        raise ValueError(f"{role}: {error}") from None


@dataclass
class ActorCriticConfig:
    """Every ``ActorCritic`` option (the Hydra ``policy`` schema reuses this class)."""

    actor: PolicyNetworkConfig = field(default_factory=PolicyNetworkConfig)
    """Actor network (type, hidden_sizes, activation, last_activation, orthogonal_init)."""
    critic: PolicyNetworkConfig = field(default_factory=PolicyNetworkConfig)
    """Critic network (type, hidden_sizes, activation, last_activation, orthogonal_init)."""
    init_log_std: float = 0.0
    """Initial log standard deviation of every action dimension (continuous actions only)."""
    normalize_obs: bool = False
    """Normalise observations with running mean/variance statistics saved with the policy."""
    clip_obs: float = 10.0
    """Clip normalised observations to ±clip_obs (> 0)."""
    obs_norm_eps: float = 1e-8
    """Variance floor of the observation normaliser (> 0)."""
    encoder: EncoderConfig = field(default_factory=EncoderConfig)
    """Dict observations only: image CNN and vector-key MLP before the actor / critic MLPs."""
    actor_obs: list[str] | None = None
    """Dict observations only: keys the actor reads; null: every key except privileged."""
    critic_obs: list[str] | None = None
    """Dict obs only: keys the critic reads; null: the actor's ([privileged]: asymmetric)."""

    def __post_init__(self) -> None:
        self.actor = as_policy_network_config(self.actor, "actor")
        self.critic = as_policy_network_config(self.critic, "critic")
        self.encoder = as_encoder_config(self.encoder)
        self.actor_obs = _key_list("actor_obs", self.actor_obs)
        self.critic_obs = _key_list("critic_obs", self.critic_obs)
        problems = [
            f"{name} must be > 0, got {getattr(self, name)}"
            for name in ("clip_obs", "obs_norm_eps")
            if not getattr(self, name) > 0
        ]
        if problems:
            raise ValueError("invalid ActorCritic config: " + "; ".join(problems))


def _key_list(name: str, keys: Any) -> list[str] | None:
    """``None`` or the observation keys as a plain list of strings (a lone string refused)."""
    if keys is None:
        return None
    if isinstance(keys, str):
        raise ValueError(f"policy.{name} must be a list of keys, e.g. [{keys}], got {keys!r}")
    return [str(key) for key in keys]
