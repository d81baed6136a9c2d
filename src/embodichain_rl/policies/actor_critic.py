"""Gaussian actor-critic with MLP heads and an optional running observation normaliser."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import torch
from torch import nn

from embodichain_rl.policies.base import Policy
from embodichain_rl.policies.mlp import build_mlp
from embodichain_rl.policies.normalizer import RunningNormalizer
from embodichain_rl.policies.registry import register_policy

NETWORK_TYPES = ("mlp",)
"""Network ``type`` values ``ActorCritic`` can build."""

ACTOR_OUTPUT_GAIN = 0.01
"""Orthogonal-init gain of the actor's mean layer (near-zero initial means)."""

CRITIC_OUTPUT_GAIN = 1.0
"""Orthogonal-init gain of the critic's output layer."""

_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


@dataclass
class NetworkConfig:
    """One network (actor or critic) of an ``ActorCritic``."""

    type: str = "mlp"
    """Architecture; only ``"mlp"`` today."""
    hidden_sizes: list[int] = field(default_factory=lambda: [256, 128, 64])
    """Width of each hidden layer, input to output (empty: a linear map)."""
    activation: str = "elu"
    """Hidden activation name (see ``embodichain_rl.policies.mlp.ACTIVATIONS``)."""


def as_network_config(value: NetworkConfig | Mapping[str, Any] | None, role: str) -> NetworkConfig:
    """Coerce a ``NetworkConfig``, a plain/OmegaConf mapping or ``None`` (defaults); unknown
    keys and unknown network types raise with the valid choices."""
    if value is None:
        cfg = NetworkConfig()
    elif isinstance(value, NetworkConfig):
        cfg = NetworkConfig(value.type, list(value.hidden_sizes), value.activation)
    elif isinstance(value, Mapping):
        valid = {f.name for f in fields(NetworkConfig)}
        unknown = sorted(set(value) - valid)
        if unknown:
            raise ValueError(f"{role}: unknown network keys {unknown}; valid: {sorted(valid)}")
        cfg = NetworkConfig(**{str(k): v for k, v in value.items()})
        cfg.hidden_sizes = [int(h) for h in cfg.hidden_sizes]
    else:
        raise TypeError(f"{role} must be a NetworkConfig or a mapping, got {type(value)!r}")
    if cfg.type not in NETWORK_TYPES:
        raise ValueError(
            f"{role}: unknown network type {cfg.type!r}; valid types: {list(NETWORK_TYPES)}"
        )
    return cfg


@register_policy("actor_critic")
class ActorCritic(Policy):
    """Diagonal-Gaussian actor and scalar critic, two separate MLPs over the same input.

    The action mean comes from the actor MLP; the log standard deviation is a learnable
    state-independent vector (one entry per action dimension). With ``normalize_obs`` both
    networks see observations through a ``RunningNormalizer`` updated only by
    ``update_normalization``. Log-probabilities and entropies are computed in closed form
    (no ``torch.distributions`` argument validation, no host syncs).
    """

    def __init__(
        self,
        *,
        obs_dim: int,
        action_dim: int,
        actor: NetworkConfig | Mapping[str, Any] | None = None,
        critic: NetworkConfig | Mapping[str, Any] | None = None,
        init_log_std: float = 0.0,
        normalize_obs: bool = False,
        clip_obs: float = 10.0,
        obs_norm_eps: float = 1e-8,
    ) -> None:
        super().__init__()
        self.obs_dim = int(obs_dim)
        """Length of the flat observation vector."""
        self.action_dim = int(action_dim)
        """Length of the flat action vector."""
        self.actor_config = as_network_config(actor, "actor")
        self.critic_config = as_network_config(critic, "critic")
        self.actor = build_mlp(
            self.obs_dim,
            self.action_dim,
            hidden_sizes=self.actor_config.hidden_sizes,
            activation=self.actor_config.activation,
            output_gain=ACTOR_OUTPUT_GAIN,
        )
        self.critic = build_mlp(
            self.obs_dim,
            1,
            hidden_sizes=self.critic_config.hidden_sizes,
            activation=self.critic_config.activation,
            output_gain=CRITIC_OUTPUT_GAIN,
        )
        self.log_std = nn.Parameter(torch.full((self.action_dim,), float(init_log_std)))
        self.normalize_obs = bool(normalize_obs)
        """Whether observations pass through the running normaliser."""
        self.obs_normalizer: RunningNormalizer | None = (
            RunningNormalizer(dim=self.obs_dim, clip=clip_obs, eps=obs_norm_eps)
            if self.normalize_obs
            else None
        )

    def _prepare(self, obs: torch.Tensor) -> torch.Tensor:
        return self.obs_normalizer(obs) if self.obs_normalizer is not None else obs

    def _log_prob(self, actions: torch.Tensor, mean: torch.Tensor) -> torch.Tensor:
        z = (actions - mean) * torch.exp(-self.log_std)
        return (-0.5 * z.square() - self.log_std - _HALF_LOG_2PI).sum(dim=-1)

    def _entropy(self, batch: int) -> torch.Tensor:
        return (0.5 + _HALF_LOG_2PI + self.log_std).sum().expand(batch)

    def get_action(
        self, obs: torch.Tensor, deterministic: bool = False
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x = self._prepare(obs)
        mean = self.actor(x)
        noise = 0.0 if deterministic else torch.exp(self.log_std) * torch.randn_like(mean)
        action = mean + noise
        return action, self._log_prob(action, mean), self.critic(x).squeeze(-1)

    def get_value(self, obs: torch.Tensor) -> torch.Tensor:
        return self.critic(self._prepare(obs)).squeeze(-1)

    def evaluate_actions(
        self, obs: torch.Tensor, actions: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x = self._prepare(obs)
        mean = self.actor(x)
        value = self.critic(x).squeeze(-1)
        return self._log_prob(actions, mean), self._entropy(obs.shape[0]), value

    def update_normalization(self, obs: torch.Tensor) -> None:
        if self.obs_normalizer is not None:
            self.obs_normalizer.update(obs)

    def act_deterministic(self, obs: torch.Tensor) -> torch.Tensor:
        return self.actor(self._prepare(obs))

    def action_std(self) -> torch.Tensor:
        return torch.exp(self.log_std.detach()).mean()
