"""Actor-critic with MLP networks: a Gaussian head for continuous actions, a categorical
head for discrete ones, and an optional running observation normaliser."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import nn

from embodichain_rl.policies.actor_critic_config import (
    NETWORK_TYPES,
    ActorCriticConfig,
    NetworkConfig,
    as_network_config,
)
from embodichain_rl.policies.base import Policy
from embodichain_rl.policies.distributions import (
    MultiCategorical,
    gaussian_entropy,
    gaussian_log_prob,
)
from embodichain_rl.policies.kwargs import config_from_kwargs
from embodichain_rl.policies.mlp import build_network
from embodichain_rl.policies.normalizer import RunningNormalizer
from embodichain_rl.policies.registry import register_policy

__all__ = ["NETWORK_TYPES", "ActorCritic", "NetworkConfig", "as_network_config"]

ACTOR_OUTPUT_GAIN = 0.01
"""Orthogonal-init gain of the actor's output layer (near-zero means / uniform logits)."""

CRITIC_OUTPUT_GAIN = 1.0
"""Orthogonal-init gain of the critic's output layer."""


@register_policy("actor_critic")
class ActorCritic(Policy):
    """An actor MLP and a scalar critic MLP over the same (optionally normalised) input.

    Continuous actions (``action_nvec=None``, a ``Box`` space): the actor outputs the mean
    of a diagonal Gaussian whose log standard deviation is a learnable state-independent
    vector ``log_std``; actions are float ``[N, action_dim]``. Discrete actions
    (``action_nvec``: choices per component, ``[n]`` for ``Discrete(n)``, the flattened
    ``nvec`` for ``MultiDiscrete``): the actor outputs ``sum(action_nvec)`` logits, one
    independent categorical per component; actions are int64 indices ``[N, action_dim]``
    with ``action_dim == len(action_nvec)``, and the deterministic action is the argmax.
    :func:`embodichain_rl.policies.spaces.policy_space_kwargs` derives ``obs_dim``,
    ``action_dim`` and ``action_nvec`` from an env.

    ``config`` holds :class:`ActorCriticConfig` fields (its defaults fill the rest). With
    ``normalize_obs`` both networks see observations through a ``RunningNormalizer`` whose
    statistics only the algorithm changes (``observation_normalizer``). Log-probabilities
    and entropies are exact closed forms (no host syncs).
    """

    def __init__(
        self,
        *,
        obs_dim: int,
        action_dim: int,
        action_nvec: Sequence[int] | None = None,
        **config: Any,
    ) -> None:
        super().__init__()
        self.config = config_from_kwargs(ActorCriticConfig, "ActorCritic", config)
        """Every option of this policy."""
        self.obs_dim = int(obs_dim)
        """Length of the flat observation vector."""
        self.action_dim = int(action_dim)
        """Length of the flat action vector (components, for discrete actions)."""
        self.categorical = None if action_nvec is None else MultiCategorical(action_nvec)
        """The categorical head of a discrete policy; ``None`` for a Gaussian one."""
        if self.categorical is not None and len(self.categorical.nvec) != self.action_dim:
            raise ValueError(
                f"ActorCritic: action_nvec {list(self.categorical.nvec)} has "
                f"{len(self.categorical.nvec)} components but action_dim={self.action_dim}"
            )
        self.action_dtype = torch.float32 if self.categorical is None else torch.int64
        cfg = self.config
        actor_out = self.action_dim if self.categorical is None else self.categorical.num_logits
        self.actor = build_network(self.obs_dim, actor_out, cfg.actor, ACTOR_OUTPUT_GAIN)
        self.critic = build_network(self.obs_dim, 1, cfg.critic, CRITIC_OUTPUT_GAIN)
        if self.categorical is None:
            self.log_std = nn.Parameter(torch.full((self.action_dim,), float(cfg.init_log_std)))
        self.obs_normalizer: RunningNormalizer | None = (
            RunningNormalizer(dim=self.obs_dim, clip=cfg.clip_obs, eps=cfg.obs_norm_eps)
            if cfg.normalize_obs
            else None
        )

    def _prepare(self, obs: torch.Tensor) -> torch.Tensor:
        return self.obs_normalizer(obs) if self.obs_normalizer is not None else obs

    def get_action(
        self, obs: torch.Tensor, deterministic: bool = False
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x = self._prepare(obs)
        out = self.actor(x)
        value = self.critic(x).squeeze(-1)
        if self.categorical is not None:
            head = self.categorical
            action = head.mode(out) if deterministic else head.sample(out)
            return action, head.log_prob(out, action), value
        noise = 0.0 if deterministic else torch.exp(self.log_std) * torch.randn_like(out)
        action = out + noise
        return action, gaussian_log_prob(action, out, self.log_std), value

    def get_value(self, obs: torch.Tensor) -> torch.Tensor:
        return self.critic(self._prepare(obs)).squeeze(-1)

    def evaluate_actions(
        self, obs: torch.Tensor, actions: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x = self._prepare(obs)
        out = self.actor(x)
        value = self.critic(x).squeeze(-1)
        if self.categorical is not None:
            return self.categorical.log_prob(out, actions), self.categorical.entropy(out), value
        log_prob = gaussian_log_prob(actions, out, self.log_std)
        return log_prob, gaussian_entropy(self.log_std, obs.shape[0]), value

    def observation_normalizer(self) -> RunningNormalizer | None:
        return self.obs_normalizer

    def act_deterministic(self, obs: torch.Tensor) -> torch.Tensor:
        out = self.actor(self._prepare(obs))
        return out if self.categorical is None else self.categorical.mode(out)

    def action_std(self) -> torch.Tensor | None:
        if self.categorical is not None:
            return None
        return torch.exp(self.log_std.detach()).mean()
