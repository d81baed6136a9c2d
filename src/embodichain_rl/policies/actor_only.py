"""``ActorOnly``: a Gaussian MLP actor with no critic, for critic-free learners (GRPO)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import torch
from torch import nn

from embodichain_rl.policies.actor_only_config import ActorOnlyConfig
from embodichain_rl.policies.base import Policy
from embodichain_rl.policies.distributions import gaussian_entropy, gaussian_log_prob
from embodichain_rl.policies.kwargs import config_from_kwargs
from embodichain_rl.policies.mlp import build_network
from embodichain_rl.policies.normalizer import RunningNormalizer
from embodichain_rl.policies.registry import register_policy

ACTOR_OUTPUT_GAIN = 0.01
"""Orthogonal-init gain of the output layer when ``orthogonal_init`` is not given."""


@register_policy("actor_only")
class ActorOnly(Policy):
    """A diagonal Gaussian whose mean is an MLP of the (optionally normalised) observation and
    whose log standard deviation is a learnable state-independent vector, clamped to
    ``[log_std_min, log_std_max]``.

    There is no critic: ``get_value`` returns zeros ``[N]`` (and so does the value slot of
    ``get_action`` / ``evaluate_actions``): it is meant for critic-free learners such as GRPO
    and APG (a critic-based one would see a zero baseline). Continuous (``Box``) actions only.
    ``config`` holds :class:`ActorOnlyConfig` fields (its defaults fill the rest).
    """

    continuous_actions_only: ClassVar[bool] = True
    """Preflight refuses a discrete action space for this policy before anything is built."""

    def __init__(
        self,
        *,
        obs_dim: int,
        action_dim: int,
        action_nvec: Sequence[int] | None = None,
        **config: Any,
    ) -> None:
        super().__init__()
        self.config = config_from_kwargs(ActorOnlyConfig, "ActorOnly", config)
        """Every option of this policy."""
        if action_nvec is not None:
            raise ValueError(
                f"ActorOnly is a Gaussian policy for Box actions, got a discrete action space "
                f"(choices {list(action_nvec)}): use policy=actor_critic with algorithm=ppo"
            )
        self.obs_dim = int(obs_dim)
        """Length of the flat observation vector."""
        self.action_dim = int(action_dim)
        """Length of the flat action vector."""
        cfg = self.config
        self.actor = build_network(self.obs_dim, self.action_dim, cfg.actor, ACTOR_OUTPUT_GAIN)
        self.log_std = nn.Parameter(torch.full((self.action_dim,), float(cfg.init_log_std)))
        self.obs_normalizer: RunningNormalizer | None = (
            RunningNormalizer(dim=self.obs_dim, clip=cfg.clip_obs, eps=cfg.obs_norm_eps)
            if cfg.normalize_obs
            else None
        )

    def _mean(self, obs: torch.Tensor) -> torch.Tensor:
        x = self.obs_normalizer(obs) if self.obs_normalizer is not None else obs
        return self.actor(x)

    def _log_std(self) -> torch.Tensor:
        return self.log_std.clamp(self.config.log_std_min, self.config.log_std_max)

    def _zeros(self, obs: torch.Tensor) -> torch.Tensor:
        return torch.zeros(obs.shape[0], device=obs.device, dtype=obs.dtype)

    def get_action(
        self, obs: torch.Tensor, deterministic: bool = False
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        mean, log_std = self._mean(obs), self._log_std()
        noise = 0.0 if deterministic else torch.exp(log_std) * torch.randn_like(mean)
        action = mean + noise
        return action, gaussian_log_prob(action, mean, log_std), self._zeros(obs)

    def get_value(self, obs: torch.Tensor) -> torch.Tensor:
        """Zeros ``[N]``: this policy has no critic."""
        return self._zeros(obs)

    def evaluate_actions(
        self, obs: torch.Tensor, actions: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        mean, log_std = self._mean(obs), self._log_std()
        log_prob = gaussian_log_prob(actions, mean, log_std)
        return log_prob, gaussian_entropy(log_std, obs.shape[0]), self._zeros(obs)

    def observation_normalizer(self) -> RunningNormalizer | None:
        return self.obs_normalizer

    def act_deterministic(self, obs: torch.Tensor) -> torch.Tensor:
        return self._mean(obs)

    def action_std(self) -> torch.Tensor | None:
        return torch.exp(self._log_std().detach()).mean()
