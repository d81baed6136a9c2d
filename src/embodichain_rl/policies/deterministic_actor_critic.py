"""TD3's policy: a deterministic tanh actor scaled to the env's action bounds and twin Q
critics, over one (optionally normalised) observation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import nn

from embodichain_rl.policies.base import Policy
from embodichain_rl.policies.deterministic_actor_critic_config import (
    DeterministicActorCriticConfig,
)
from embodichain_rl.policies.kwargs import config_from_kwargs
from embodichain_rl.policies.mlp import build_mlp
from embodichain_rl.policies.normalizer import RunningNormalizer
from embodichain_rl.policies.q_critic import TwinQCritic
from embodichain_rl.policies.registry import register_policy
from embodichain_rl.policies.squashed import checked_bounds

ACTOR_OUTPUT_GAIN = 0.01
"""Orthogonal-init gain of the actor's output layer: first actions near the bounds' centre."""

NUM_CRITICS = 2
"""TD3's clipped double Q-learning: two critics, the minimum is the target."""


@register_policy("td3_actor_critic")
class DeterministicActorCritic(Policy):
    """``a = bias + scale * tanh(actor(x))`` and ``Q_1, Q_2 (x, a)`` with ``x`` the
    (optionally normalised) observation, ``bias``/``scale`` the centre and half-range of
    ``[action_low, action_high]``.

    The critics see actions mapped back to ``[-1, 1]`` so every action dimension weighs the
    same whatever its units. The policy itself is deterministic: ``get_action`` returns the
    same action whether ``deterministic`` or not (exploration noise is the algorithm's, one
    scale per env), with ``log_prob`` zeros and ``value`` the smaller Q of that action.
    The bounds come from the env's ``Box`` through the composition root
    (``accepts_action_bounds``); a discrete action space is refused.
    """

    accepts_action_bounds = True
    """The composition root passes ``action_low``/``action_high`` (the env's ``Box``)."""

    def __init__(
        self,
        *,
        obs_dim: int,
        action_dim: int,
        action_nvec: Sequence[int] | None = None,
        action_low: Sequence[float] | None = None,
        action_high: Sequence[float] | None = None,
        **config: Any,
    ) -> None:
        """``action_low``/``action_high`` (finite, ``low < high``; default ``[-1, 1]``
        per dimension) bound the actions; ``config`` holds
        :class:`DeterministicActorCriticConfig` fields."""
        super().__init__()
        if action_nvec is not None:
            raise ValueError(
                "policy=td3_actor_critic needs a continuous (Box) action space, got a "
                f"discrete one (choices per component {list(action_nvec)}): use "
                "policy=actor_critic with algorithm=ppo"
            )
        self.config = config_from_kwargs(
            DeterministicActorCriticConfig, "DeterministicActorCritic", config
        )
        """Every option of this policy."""
        self.obs_dim = int(obs_dim)
        """Length of the flat observation vector."""
        self.action_dim = int(action_dim)
        """Length of the flat action vector."""
        low, high = checked_bounds("td3_actor_critic", self.action_dim, action_low, action_high)
        self.register_buffer("action_low", low, persistent=False)
        self.register_buffer("action_high", high, persistent=False)
        self.register_buffer("action_scale", (high - low) / 2, persistent=False)
        self.register_buffer("action_bias", (high + low) / 2, persistent=False)
        cfg = self.config
        self.actor = build_mlp(
            self.obs_dim,
            self.action_dim,
            hidden_sizes=cfg.actor.hidden_sizes,
            activation=cfg.actor.activation,
            output_gain=ACTOR_OUTPUT_GAIN,
        )
        """Pre-tanh actor network (``squash`` maps its output into the bounds)."""
        self.critic = TwinQCritic(
            self.obs_dim, self.action_dim, cfg.critic, num_critics=NUM_CRITICS
        )
        """The twin Q networks, fed ``x`` and actions in ``[-1, 1]``."""
        self.obs_normalizer: RunningNormalizer | None = (
            RunningNormalizer(dim=self.obs_dim, clip=cfg.clip_obs, eps=cfg.obs_norm_eps)
            if cfg.normalize_obs
            else None
        )

    def normalize(self, obs: torch.Tensor) -> torch.Tensor:
        """Raw observations ``[N, obs_dim]`` as the networks see them."""
        return self.obs_normalizer(obs) if self.obs_normalizer is not None else obs

    def squash(self, actor_output: torch.Tensor) -> torch.Tensor:
        """Actor output ``[N, A]`` -> action in the bounds: ``bias + scale * tanh(out)``."""
        return self.action_bias + self.action_scale * torch.tanh(actor_output)

    def actor_action(self, x: torch.Tensor, actor: nn.Module | None = None) -> torch.Tensor:
        """Action of ``actor`` (default: this policy's; a target copy for TD3's target)
        for normalised observations ``x``."""
        return self.squash((self.actor if actor is None else actor)(x))

    def q_values(
        self, x: torch.Tensor, action: torch.Tensor, critic: nn.Module | None = None
    ) -> torch.Tensor:
        """``[2, N]`` Q values of ``critic`` (default: this policy's) for normalised
        observations ``x`` and actions in the env's units."""
        unit_action = (action - self.action_bias) / self.action_scale
        return (self.critic if critic is None else critic)(x, unit_action)

    def get_action(
        self, obs: torch.Tensor, deterministic: bool = False
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x = self.normalize(obs)
        action = self.actor_action(x)
        value = self.q_values(x, action).min(dim=0).values
        return action, torch.zeros_like(value), value

    def get_value(self, obs: torch.Tensor) -> torch.Tensor:
        """The smaller Q of the actor's own action, ``[N]``."""
        return self.get_action(obs)[2]

    def evaluate_actions(
        self, obs: torch.Tensor, actions: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(zeros, zeros, min Q(obs, actions))``: a deterministic policy has no density."""
        value = self.q_values(self.normalize(obs), actions).min(dim=0).values
        zeros = torch.zeros_like(value)
        return zeros, zeros, value

    def observation_normalizer(self) -> RunningNormalizer | None:
        return self.obs_normalizer

    def act_deterministic(self, obs: torch.Tensor) -> torch.Tensor:
        return self.actor_action(self.normalize(obs))
