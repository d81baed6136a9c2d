"""``TwinQCritic``: several independent ``Q(x, a)`` MLPs evaluated as one batch;
``EncodedTwinQCritic``: the same behind an observation encoder (dict observations)."""

from __future__ import annotations

from collections.abc import Mapping

import torch
from torch import nn

from embodichain_rl.policies.actor_critic_config import NetworkConfig, as_network_config
from embodichain_rl.policies.mlp import build_mlp
from embodichain_rl.policies.observation_encoder import ObservationEncoder

CRITIC_OUTPUT_GAIN = 1.0
"""Orthogonal-init gain of each Q network's output layer."""


class TwinQCritic(nn.Module):
    """``num_critics`` Q networks over ``concat(x, a)``; ``forward`` returns ``[num_critics, B]``.

    ``x`` is the observation as the policy feeds it (already normalised, if it normalises);
    ``a`` the action in whatever units the owning policy chooses (both off-policy policies
    feed actions mapped to ``[-1, 1]``). Each network is built with its own initialisation,
    so the critics disagree from the start (clipped double Q-learning needs that).
    """

    def __init__(
        self,
        obs_dim: int,
        action_dim: int,
        network: NetworkConfig | dict | None = None,
        num_critics: int = 2,
    ) -> None:
        """``network`` (a ``NetworkConfig`` or mapping; default ``NetworkConfig()``) is the
        architecture of every critic; ``num_critics >= 1``."""
        super().__init__()
        if num_critics < 1:
            raise ValueError(f"TwinQCritic: num_critics must be >= 1, got {num_critics}")
        cfg = as_network_config(network, "critic")
        self.obs_dim = int(obs_dim)
        """Length of the observation part of the input."""
        self.action_dim = int(action_dim)
        """Length of the action part of the input."""
        self.q_networks = nn.ModuleList(
            build_mlp(
                self.obs_dim + self.action_dim,
                1,
                hidden_sizes=cfg.hidden_sizes,
                activation=cfg.activation,
                output_gain=CRITIC_OUTPUT_GAIN,
            )
            for _ in range(num_critics)
        )
        """One MLP per critic, ``[B, obs_dim + action_dim] -> [B, 1]``."""

    @property
    def num_critics(self) -> int:
        """How many Q networks this module holds."""
        return len(self.q_networks)

    def forward(self, x: torch.Tensor, action: torch.Tensor) -> torch.Tensor:
        """Q values ``[num_critics, B]`` of observations ``x`` ``[B, O]`` and actions ``[B, A]``."""
        joint = torch.cat([x, action.to(x.dtype)], dim=-1)
        return torch.stack([q(joint).squeeze(-1) for q in self.q_networks], dim=0)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """What the Q networks read of ``x``: ``x`` itself (no encoder)."""
        return x

    def from_features(self, features: torch.Tensor, action: torch.Tensor) -> torch.Tensor:
        """Q values ``[num_critics, B]`` of ``features()`` output and actions."""
        return self(features, action)


class EncodedTwinQCritic(nn.Module):
    """An ``ObservationEncoder`` followed by a ``TwinQCritic`` over its features.

    The encoder belongs to the critic: the critic loss trains it, a target copy of this
    module (``frozen_copy``) gets its own Polyak-averaged encoder, and an actor that reads
    the same keys takes ``features(x).detach()`` (DrQ / SAC-AE).
    """

    def __init__(
        self,
        encoder: ObservationEncoder,
        action_dim: int,
        network: NetworkConfig | dict | None = None,
        num_critics: int = 2,
    ) -> None:
        super().__init__()
        self.encoder = encoder
        """Dict observation -> ``[B, encoder.out_dim]`` features."""
        self.heads = TwinQCritic(encoder.out_dim, action_dim, network, num_critics)
        """The Q networks over ``concat(features, a)``."""

    @property
    def num_critics(self) -> int:
        """How many Q networks this module holds."""
        return self.heads.num_critics

    def features(self, x: Mapping[str, torch.Tensor]) -> torch.Tensor:
        """The encoder's features ``[B, F]`` of a (normalised) dict observation."""
        return self.encoder(x)

    def from_features(self, features: torch.Tensor, action: torch.Tensor) -> torch.Tensor:
        """Q values ``[num_critics, B]`` of encoded ``features`` and actions."""
        return self.heads(features, action)

    def forward(self, x: Mapping[str, torch.Tensor], action: torch.Tensor) -> torch.Tensor:
        """Q values ``[num_critics, B]`` of a dict observation and actions ``[B, A]``."""
        return self.heads(self.encoder(x), action)
