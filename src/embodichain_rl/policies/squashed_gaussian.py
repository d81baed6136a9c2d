"""SAC's policy: a tanh-squashed Gaussian actor scaled to the env's action bounds and twin
Q critics, over one (optionally normalised) observation: a flat vector, or a dict read
through image / vector encoders (the critic's encoder shared with the actor, DrQ-style)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch
from torch import nn

from embodichain_rl.policies.base import Policy
from embodichain_rl.policies.dict_normalizer import DictNormalizer
from embodichain_rl.policies.kwargs import config_from_kwargs
from embodichain_rl.policies.mlp import build_mlp
from embodichain_rl.policies.normalizer import RunningNormalizer
from embodichain_rl.policies.observation_encoder import (
    ObservationEncoder,
    observation_problem,
    resolve_keys,
)
from embodichain_rl.policies.q_critic import EncodedTwinQCritic, TwinQCritic
from embodichain_rl.policies.registry import register_policy
from embodichain_rl.policies.squashed import (
    atanh_clamped,
    bounded_log_std,
    checked_bounds,
    squashed_log_prob,
)
from embodichain_rl.policies.squashed_gaussian_config import SquashedGaussianActorCriticConfig
from embodichain_rl.utils.observations import Observation

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

    Dict observations (``obs_shapes`` instead of ``obs_dim``): the critics read the keys
    ``critic_obs`` through an ``ObservationEncoder`` inside ``critic`` (an
    ``EncodedTwinQCritic``: the critic loss trains it and the target critics average their
    own copy). When the actor reads the same keys and ``encoder.share``, it reads that
    encoder's features detached, so the actor loss never moves the encoder (DrQ, SAC-AE);
    otherwise the actor has its own ``actor_encoder``, trained by the actor loss.
    ``normalize_obs`` then normalises the vector keys read (a ``DictNormalizer``), never
    images.
    """

    accepts_action_bounds = True
    """The composition root passes ``action_low``/``action_high`` (the env's ``Box``)."""
    accepts_dict_observations = True
    """Reads dict observations through ``ObservationEncoder`` s (``obs_shapes``)."""
    observation_problem = staticmethod(observation_problem)
    """``observation_problem(policy_cfg, obs_shapes) -> str | None``: the constructor's
    observation checks, callable on a composed config before anything is built."""

    def __init__(
        self,
        *,
        obs_dim: int | None = None,
        action_dim: int,
        action_nvec: Sequence[int] | None = None,
        action_low: Sequence[float] | None = None,
        action_high: Sequence[float] | None = None,
        obs_shapes: Mapping[str, Sequence[int]] | None = None,
        **config: Any,
    ) -> None:
        """``obs_dim`` (flat) or ``obs_shapes`` (dict), exactly one; ``action_low`` /
        ``action_high`` (finite, ``low < high``; default ``[-1, 1]`` per dimension) bound
        the actions; ``config`` holds :class:`SquashedGaussianActorCriticConfig` fields."""
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
        _check_observation(obs_dim, obs_shapes, self.config)
        self.obs_dim = None if obs_dim is None else int(obs_dim)
        """Length of the flat observation vector; ``None`` for dict observations."""
        self.obs_shapes = (
            None
            if obs_shapes is None
            else {str(k): [int(v) for v in shape] for k, shape in obs_shapes.items()}
        )
        """Single-env shape of every key of a dict observation; ``None`` when flat."""
        self.action_dim = int(action_dim)
        """Length of the flat action vector."""
        low, high = checked_bounds(OPTION, self.action_dim, action_low, action_high)
        self.register_buffer("action_low", low, persistent=False)
        self.register_buffer("action_high", high, persistent=False)
        self.register_buffer("action_scale", (high - low) / 2, persistent=False)
        self.register_buffer("action_bias", (high + low) / 2, persistent=False)
        cfg = self.config
        self.actor_encoder: ObservationEncoder | None = None
        """Dict observations: the actor's own encoder; ``None`` when it reads the critic's
        (or the observation is flat)."""
        critic_encoder, actor_in = self._build_encoders()
        self.actor = build_mlp(
            actor_in,
            2 * self.action_dim,
            hidden_sizes=cfg.actor.hidden_sizes,
            activation=cfg.actor.activation,
            output_gain=ACTOR_OUTPUT_GAIN,
        )
        """``features -> [μ, raw log σ]`` (``[N, 2A]``)."""
        self.critic: TwinQCritic | EncodedTwinQCritic = (
            TwinQCritic(actor_in, self.action_dim, cfg.critic, num_critics=NUM_CRITICS)
            if critic_encoder is None
            else EncodedTwinQCritic(critic_encoder, self.action_dim, cfg.critic, NUM_CRITICS)
        )
        """The twin Q networks, fed ``x`` and actions in ``[-1, 1]`` (dict observations:
        behind the critic's encoder)."""
        self.obs_normalizer: RunningNormalizer | DictNormalizer | None = (
            self._build_normalizer() if cfg.normalize_obs else None
        )

    def _build_encoders(self) -> tuple[ObservationEncoder | None, int]:
        """Dict observations: the critic's encoder (and, for unshared keys,
        ``actor_encoder``); the actor MLP's input width (flat: ``obs_dim``, no encoder)."""
        if self.obs_shapes is None:
            assert self.obs_dim is not None
            return None, self.obs_dim
        cfg = self.config
        actor_keys, critic_keys = resolve_keys(cfg.actor_obs, cfg.critic_obs, self.obs_shapes)
        encoder = ObservationEncoder(critic_keys, self.obs_shapes, cfg.encoder, "policy.critic_obs")
        if cfg.encoder.share and actor_keys == critic_keys:
            return encoder, encoder.out_dim
        self.actor_encoder = ObservationEncoder(
            actor_keys, self.obs_shapes, cfg.encoder, "policy.actor_obs"
        )
        return encoder, self.actor_encoder.out_dim

    def _build_normalizer(self) -> RunningNormalizer | DictNormalizer:
        """A flat normaliser, or one per vector key read by the actor or the critics."""
        cfg = self.config
        if self.obs_shapes is None:
            assert self.obs_dim is not None
            return RunningNormalizer(dim=self.obs_dim, clip=cfg.clip_obs, eps=cfg.obs_norm_eps)
        read = set(self._critic_encoder().vector_keys)
        if self.actor_encoder is not None:
            read |= set(self.actor_encoder.vector_keys)
        dims = {key: shape[0] for key, shape in self.obs_shapes.items() if key in read}
        return DictNormalizer(dims, clip=cfg.clip_obs, eps=cfg.obs_norm_eps)

    def _critic_encoder(self) -> ObservationEncoder:
        assert isinstance(self.critic, EncodedTwinQCritic)
        return self.critic.encoder

    # ------------------------------------------------------------------ building blocks

    def normalize(self, obs: Observation) -> Observation:
        """Raw observations (``[N, obs_dim]`` or a dict) as the networks see them."""
        return self.obs_normalizer(obs) if self.obs_normalizer is not None else obs

    def actor_features(self, x: Observation) -> torch.Tensor:
        """The actor MLP's input for normalised ``x``: ``x`` itself (flat), the actor's
        encoding, or the critic encoder's features detached (shared encoder)."""
        if self.actor_encoder is not None:
            assert isinstance(x, dict)
            return self.actor_encoder(x)
        features = self.critic.features(x)  # type: ignore[arg-type]
        return features if self.obs_shapes is None else features.detach()

    def actor_loss_features(self, x: Observation) -> tuple[torch.Tensor, torch.Tensor]:
        """The actor's and the critics' inputs for the actor loss, the critic encoder run
        once and detached (the actor loss never trains it)."""
        if self.obs_shapes is None:
            assert isinstance(x, torch.Tensor)
            return x, x
        critic_features = self.critic.features(x).detach()  # type: ignore[arg-type]
        if self.actor_encoder is None:
            return critic_features, critic_features
        return self.actor_features(x), critic_features

    def actor_parameters(self) -> list[nn.Parameter]:
        """What the actor loss trains: the actor MLP and the actor's own encoder, if any."""
        own = [] if self.actor_encoder is None else list(self.actor_encoder.parameters())
        return list(self.actor.parameters()) + own

    def distribution(self, x: Observation) -> tuple[torch.Tensor, torch.Tensor]:
        """Pre-squash mean and bounded log-std ``[N, A]`` each, for normalised ``x``."""
        return self.head(self.actor_features(x))

    def head(self, features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Pre-squash mean and bounded log-std ``[N, A]`` each, from actor features."""
        mean, raw = self.actor(features).chunk(2, dim=-1)
        cfg = self.config
        return mean, bounded_log_std(raw, cfg.log_std_min, cfg.log_std_max)

    def sample(
        self, x: Observation, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """A reparameterised action in the env's units ``[N, A]`` and its log-probability
        as an action in ``[-1, 1]`` ``[N]`` (differentiable in the actor's weights)."""
        features = self.actor_features(x)
        noise = torch.randn(
            (features.shape[0], self.action_dim),
            generator=generator,
            device=features.device,
            dtype=features.dtype,
        )
        return self.sample_from_features(features, noise)

    def sample_from_noise(
        self, x: Observation, noise: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``sample`` with its standard-normal draw given (``noise`` ``[N, A]``): pure
        tensor work, so a compiled caller draws the noise eagerly from its generator."""
        return self.sample_from_features(self.actor_features(x), noise)

    def sample_from_features(
        self, features: torch.Tensor, noise: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``sample_from_noise`` from the actor's input features."""
        mean, log_std = self.head(features)
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
        self, x: Observation, action: torch.Tensor, critic: nn.Module | None = None
    ) -> torch.Tensor:
        """``[2, N]`` Q values of ``critic`` (default: this policy's) for normalised
        observations ``x`` and actions in the env's units."""
        return (self.critic if critic is None else critic)(x, self.to_unit(action))

    def q_from_features(self, features: torch.Tensor, action: torch.Tensor) -> torch.Tensor:
        """``[2, N]`` Q values of this policy's critics for their encoded ``features``."""
        return self.critic.from_features(features, self.to_unit(action))

    # ------------------------------------------------------------------ Policy interface

    def get_action(
        self, obs: Observation, deterministic: bool = False
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x = self.normalize(obs)
        mean, log_std = self.distribution(x)
        u = mean if deterministic else mean + log_std.exp() * torch.randn_like(mean)
        action = self.to_env_units(torch.tanh(u))
        log_prob = squashed_log_prob(u, mean, log_std) - self.log_scale()
        value = self.q_values(x, action).min(dim=0).values
        return action, log_prob, value

    def get_value(self, obs: Observation) -> torch.Tensor:
        """The smaller Q of the deterministic action, ``[N]``."""
        return self.get_action(obs, deterministic=True)[2]

    def evaluate_actions(
        self, obs: Observation, actions: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(log-density of actions in env units, -that as a one-sample entropy estimate,
        min Q(obs, actions))``; actions on the bounds are pulled just inside them."""
        x = self.normalize(obs)
        mean, log_std = self.distribution(x)
        u = atanh_clamped(self.to_unit(actions))
        log_prob = squashed_log_prob(u, mean, log_std) - self.log_scale()
        value = self.q_values(x, actions).min(dim=0).values
        return log_prob, -log_prob, value

    def observation_normalizer(self) -> RunningNormalizer | DictNormalizer | None:
        return self.obs_normalizer

    def acting_observation_keys(self) -> list[str] | None:
        if self.obs_shapes is None:
            return None
        encoder = self.actor_encoder or self._critic_encoder()
        return list(encoder.keys)

    def act_deterministic(self, obs: Observation) -> torch.Tensor:
        mean, _ = self.distribution(self.normalize(obs))
        return self.to_env_units(torch.tanh(mean))


def _check_observation(
    obs_dim: int | None,
    obs_shapes: Mapping[str, Sequence[int]] | None,
    cfg: SquashedGaussianActorCriticConfig,
) -> None:
    """Refuse, in one line and before any module is built, an observation the options
    cannot read (flat: ``obs_dim`` alone; dict: ``obs_shapes`` alone)."""
    if (obs_dim is None) == (obs_shapes is None):
        raise ValueError(
            f"policy={OPTION} needs obs_dim (a flat observation) or obs_shapes (a dict one), "
            f"exactly one of them; got obs_dim={obs_dim}, obs_shapes={obs_shapes}"
        )
    problem = observation_problem(cfg, obs_shapes)
    if problem is not None:
        raise ValueError(problem)
