"""SAC's policy: a tanh-squashed Gaussian actor scaled to the env's action bounds and twin
Q critics, over one (optionally normalised) observation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import nn

from embodichain_rl.policies.base import Policy
from embodichain_rl.policies.kwargs import config_from_kwargs
from embodichain_rl.policies.mlp import build_mlp
from embodichain_rl.policies.normalizer import RunningNormalizer
from embodichain_rl.policies.q_critic import TwinQCritic
from embodichain_rl.policies.registry import register_policy
from embodichain_rl.policies.squashed import (
    atanh_clamped,
    bounded_log_std,
    checked_bounds,
    squashed_log_prob,
)
from embodichain_rl.policies.squashed_gaussian_config import SquashedGaussianActorCriticConfig

ACTOR_OUTPUT_GAIN = 0.01
"""Orthogonal-init gain of the actor's output layer: first means near the bounds' centre."""

NUM_CRITICS = 2
"""Clipped double Q-learning: two critics, the minimum is used."""

OPTION = "sac_actor_critic"
"""The ``policy=`` option this class is registered as."""


@register_policy(OPTION)
class SquashedGaussianActorCritic(Policy):
    """``a = bias + scale * tanh(u)``, ``u ~ N(μ(x), σ(x))``, and ``Q_1, Q_2 (x, a)``.

    ``x`` is the (optionally normalised) observation; ``bias``/``scale`` are the centre and
    half-range of ``[action_low, action_high]`` (the env's ``Box``, passed by the
    composition root because ``accepts_action_bounds``). ``log σ(x)`` is the actor's second
    half of outputs mapped smoothly into ``[log_std_min, log_std_max]``. The critics see
    actions mapped back to ``[-1, 1]``.

    ``get_action`` returns the log-density of the action in the env's units (the squashed
    Gaussian's, minus ``Σ log scale``) and the smaller Q of that action; deterministic
    actions are ``bias + scale * tanh(μ)``. SAC itself works with ``sample``, whose
    log-probability is that of the action in ``[-1, 1]`` (unit-free, so a target entropy of
    ``-action_dim`` means the same for every env). A discrete action space is refused.
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
        :class:`SquashedGaussianActorCriticConfig` fields."""
        super().__init__()
        if action_nvec is not None:
            raise ValueError(
                f"policy={OPTION} needs a continuous (Box) action space, got a discrete one "
                f"(choices per component {list(action_nvec)}): use policy=actor_critic "
                "with algorithm=ppo"
            )
        self.config = config_from_kwargs(
            SquashedGaussianActorCriticConfig, "SquashedGaussianActorCritic", config
        )
        """Every option of this policy."""
        self.obs_dim = int(obs_dim)
        """Length of the flat observation vector."""
        self.action_dim = int(action_dim)
        """Length of the flat action vector."""
        low, high = checked_bounds(OPTION, self.action_dim, action_low, action_high)
        self.register_buffer("action_low", low, persistent=False)
        self.register_buffer("action_high", high, persistent=False)
        self.register_buffer("action_scale", (high - low) / 2, persistent=False)
        self.register_buffer("action_bias", (high + low) / 2, persistent=False)
        cfg = self.config
        self.actor = build_mlp(
            self.obs_dim,
            2 * self.action_dim,
            hidden_sizes=cfg.actor.hidden_sizes,
            activation=cfg.actor.activation,
            output_gain=ACTOR_OUTPUT_GAIN,
        )
        """``x -> [μ, raw log σ]`` (``[N, 2A]``)."""
        self.critic = TwinQCritic(
            self.obs_dim, self.action_dim, cfg.critic, num_critics=NUM_CRITICS
        )
        """The twin Q networks, fed ``x`` and actions in ``[-1, 1]``."""
        self.obs_normalizer: RunningNormalizer | None = (
            RunningNormalizer(dim=self.obs_dim, clip=cfg.clip_obs, eps=cfg.obs_norm_eps)
            if cfg.normalize_obs
            else None
        )

    # ------------------------------------------------------------------ building blocks

    def normalize(self, obs: torch.Tensor) -> torch.Tensor:
        """Raw observations ``[N, obs_dim]`` as the networks see them."""
        return self.obs_normalizer(obs) if self.obs_normalizer is not None else obs

    def distribution(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Pre-squash mean and bounded log-std ``[N, A]`` each, for normalised ``x``."""
        mean, raw = self.actor(x).chunk(2, dim=-1)
        cfg = self.config
        return mean, bounded_log_std(raw, cfg.log_std_min, cfg.log_std_max)

    def sample(
        self, x: torch.Tensor, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """A reparameterised action in the env's units ``[N, A]`` and its log-probability
        as an action in ``[-1, 1]`` ``[N]`` (differentiable in the actor's weights)."""
        shape = (x.shape[0], self.action_dim)
        noise = torch.randn(shape, generator=generator, device=x.device, dtype=x.dtype)
        return self.sample_from_noise(x, noise)

    def sample_from_noise(
        self, x: torch.Tensor, noise: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``sample`` with its standard-normal draw given (``noise`` ``[N, A]``): pure
        tensor work, so a compiled caller draws the noise eagerly from its generator."""
        mean, log_std = self.distribution(x)
        u = mean + log_std.exp() * noise
        return self.to_env_units(torch.tanh(u)), squashed_log_prob(u, mean, log_std)

    def to_env_units(self, unit_action: torch.Tensor) -> torch.Tensor:
        """``[-1, 1]`` -> the env's bounds: ``bias + scale * y``."""
        return self.action_bias + self.action_scale * unit_action

    def to_unit(self, action: torch.Tensor) -> torch.Tensor:
        """The env's bounds -> ``[-1, 1]``."""
        return (action - self.action_bias) / self.action_scale

    def log_scale(self) -> torch.Tensor:
        """``Σ log scale``: env-unit log-density = unit log-density - this."""
        return self.action_scale.log().sum()

    def q_values(
        self, x: torch.Tensor, action: torch.Tensor, critic: nn.Module | None = None
    ) -> torch.Tensor:
        """``[2, N]`` Q values of ``critic`` (default: this policy's) for normalised
        observations ``x`` and actions in the env's units."""
        return (self.critic if critic is None else critic)(x, self.to_unit(action))

    # ------------------------------------------------------------------ Policy interface

    def get_action(
        self, obs: torch.Tensor, deterministic: bool = False
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x = self.normalize(obs)
        mean, log_std = self.distribution(x)
        u = mean if deterministic else mean + log_std.exp() * torch.randn_like(mean)
        action = self.to_env_units(torch.tanh(u))
        log_prob = squashed_log_prob(u, mean, log_std) - self.log_scale()
        value = self.q_values(x, action).min(dim=0).values
        return action, log_prob, value

    def get_value(self, obs: torch.Tensor) -> torch.Tensor:
        """The smaller Q of the deterministic action, ``[N]``."""
        return self.get_action(obs, deterministic=True)[2]

    def evaluate_actions(
        self, obs: torch.Tensor, actions: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(log-density of actions in env units, -that as a one-sample entropy estimate,
        min Q(obs, actions))``; actions on the bounds are pulled just inside them."""
        x = self.normalize(obs)
        mean, log_std = self.distribution(x)
        u = atanh_clamped(self.to_unit(actions))
        log_prob = squashed_log_prob(u, mean, log_std) - self.log_scale()
        value = self.q_values(x, actions).min(dim=0).values
        return log_prob, -log_prob, value

    def observation_normalizer(self) -> RunningNormalizer | None:
        return self.obs_normalizer

    def act_deterministic(self, obs: torch.Tensor) -> torch.Tensor:
        mean, _ = self.distribution(self.normalize(obs))
        return self.to_env_units(torch.tanh(mean))
