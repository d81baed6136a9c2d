"""Actor-critic with MLP networks: a Gaussian head for continuous actions, a categorical
head for discrete ones, an optional running observation normaliser, and image / vector
encoders in front of the MLPs for dict observations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
from embodichain_rl.policies.dict_normalizer import DictNormalizer
from embodichain_rl.policies.distributions import (
    MultiCategorical,
    gaussian_entropy,
    gaussian_log_prob,
)
from embodichain_rl.policies.kwargs import config_from_kwargs
from embodichain_rl.policies.mlp import build_network
from embodichain_rl.policies.normalizer import RunningNormalizer
from embodichain_rl.policies.observation_encoder import (
    ObservationEncoder,
    observation_problem,
    resolve_keys,
)
from embodichain_rl.policies.registry import register_policy
from embodichain_rl.utils.observations import Observation, ObservationShapes

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

    Dict observations (``obs_shapes`` instead of ``obs_dim``): the actor reads the keys
    ``actor_obs`` (null: all but ``privileged``) through an ``ObservationEncoder`` (CNN for
    image keys, ``config.encoder``), the critic the keys ``critic_obs`` (null: the actor's);
    one encoder serves both, trained by both losses, when ``encoder.share`` and the keys
    match. ``normalize_obs`` then normalises every vector key read (a ``DictNormalizer``),
    never images. Every method takes the dict; the math after the encoders is the flat one.
    """

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
        obs_shapes: Mapping[str, Sequence[int]] | None = None,
        **config: Any,
    ) -> None:
        super().__init__()
        self.config = config_from_kwargs(ActorCriticConfig, "ActorCritic", config)
        """Every option of this policy."""
        _check_observation(obs_dim, obs_shapes, self.config)
        self.obs_dim = None if obs_dim is None else int(obs_dim)
        """Length of the flat observation vector; ``None`` for dict observations."""
        self.obs_shapes = None if obs_shapes is None else _plain_shapes(obs_shapes)
        """Single-env shape of every key of a dict observation; ``None`` when flat."""
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
        self.actor_encoder: ObservationEncoder | None = None
        """Dict observations: the actor's encoder (the critic's too when shared)."""
        self.critic_encoder: ObservationEncoder | None = None
        """Dict observations: the critic's own encoder; ``None`` when it shares the actor's."""
        actor_in, critic_in = self._build_encoders()
        self.actor = build_network(actor_in, actor_out, cfg.actor, ACTOR_OUTPUT_GAIN)
        self.critic = build_network(critic_in, 1, cfg.critic, CRITIC_OUTPUT_GAIN)
        if self.categorical is None:
            self.log_std = nn.Parameter(torch.full((self.action_dim,), float(cfg.init_log_std)))
        self.obs_normalizer: RunningNormalizer | DictNormalizer | None = (
            self._build_normalizer() if cfg.normalize_obs else None
        )

    def _build_encoders(self) -> tuple[int, int]:
        """Build the dict encoders (none for flat observations); the actor's and the
        critic's MLP input widths."""
        if self.obs_shapes is None:
            assert self.obs_dim is not None
            return self.obs_dim, self.obs_dim
        cfg = self.config
        actor_keys, critic_keys = resolve_keys(cfg.actor_obs, cfg.critic_obs, self.obs_shapes)
        self.actor_encoder = ObservationEncoder(
            actor_keys, self.obs_shapes, cfg.encoder, "policy.actor_obs"
        )
        if not (cfg.encoder.share and actor_keys == critic_keys):
            self.critic_encoder = ObservationEncoder(
                critic_keys, self.obs_shapes, cfg.encoder, "policy.critic_obs"
            )
        critic_in = (self.critic_encoder or self.actor_encoder).out_dim
        return self.actor_encoder.out_dim, critic_in

    def _build_normalizer(self) -> RunningNormalizer | DictNormalizer:
        """A flat normaliser, or one per vector key read by the actor or the critic."""
        cfg = self.config
        if self.obs_shapes is None:
            assert self.obs_dim is not None
            return RunningNormalizer(dim=self.obs_dim, clip=cfg.clip_obs, eps=cfg.obs_norm_eps)
        encoders = [e for e in (self.actor_encoder, self.critic_encoder) if e is not None]
        read = {key for encoder in encoders for key in encoder.vector_keys}
        dims = {key: shape[0] for key, shape in self.obs_shapes.items() if key in read}
        return DictNormalizer(dims, clip=cfg.clip_obs, eps=cfg.obs_norm_eps)

    def _prepare(self, obs: Observation) -> Observation:
        return self.obs_normalizer(obs) if self.obs_normalizer is not None else obs

    def _actor_input(self, obs: Observation) -> torch.Tensor:
        """The actor MLP's input: the (normalised) flat observation or the encoded dict."""
        x = self._prepare(obs)
        if self.actor_encoder is None:
            assert isinstance(x, torch.Tensor)
            return x
        assert isinstance(x, dict)
        return self.actor_encoder(x)

    def _inputs(self, obs: Observation) -> tuple[torch.Tensor, torch.Tensor]:
        """The actor's and the critic's MLP inputs, normalising and encoding only once."""
        x = self._prepare(obs)
        if self.actor_encoder is None:
            assert isinstance(x, torch.Tensor)
            return x, x
        assert isinstance(x, dict)
        actor_x = self.actor_encoder(x)
        critic_x = actor_x if self.critic_encoder is None else self.critic_encoder(x)
        return actor_x, critic_x

    def get_action(
        self, obs: Observation, deterministic: bool = False
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        actor_x, critic_x = self._inputs(obs)
        out = self.actor(actor_x)
        value = self.critic(critic_x).squeeze(-1)
        if self.categorical is not None:
            head = self.categorical
            action = head.mode(out) if deterministic else head.sample(out)
            return action, head.log_prob(out, action), value
        noise = 0.0 if deterministic else torch.exp(self.log_std) * torch.randn_like(out)
        action = out + noise
        return action, gaussian_log_prob(action, out, self.log_std), value

    def get_value(self, obs: Observation) -> torch.Tensor:
        x = self._prepare(obs)
        if self.actor_encoder is not None:
            assert isinstance(x, dict)
            x = (self.critic_encoder or self.actor_encoder)(x)
        assert isinstance(x, torch.Tensor)
        return self.critic(x).squeeze(-1)

    def evaluate_actions(
        self, obs: Observation, actions: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        actor_x, critic_x = self._inputs(obs)
        out = self.actor(actor_x)
        value = self.critic(critic_x).squeeze(-1)
        if self.categorical is not None:
            return self.categorical.log_prob(out, actions), self.categorical.entropy(out), value
        log_prob = gaussian_log_prob(actions, out, self.log_std)
        return log_prob, gaussian_entropy(self.log_std, out.shape[0]), value

    def observation_normalizer(self) -> RunningNormalizer | DictNormalizer | None:
        return self.obs_normalizer

    def acting_observation_keys(self) -> list[str] | None:
        return None if self.actor_encoder is None else list(self.actor_encoder.keys)

    def act_deterministic(self, obs: Observation) -> torch.Tensor:
        out = self.actor(self._actor_input(obs))
        return out if self.categorical is None else self.categorical.mode(out)

    def action_std(self) -> torch.Tensor | None:
        if self.categorical is not None:
            return None
        return torch.exp(self.log_std.detach()).mean()


def _check_observation(
    obs_dim: int | None, obs_shapes: Mapping[str, Sequence[int]] | None, cfg: ActorCriticConfig
) -> None:
    """Refuse, in one line and before any module is built, an observation the options
    cannot read (flat: ``obs_dim`` alone; dict: ``obs_shapes`` alone, ``obs_dim=None``)."""
    if (obs_dim is None) == (obs_shapes is None):
        raise ValueError(
            "ActorCritic needs obs_dim (a flat observation) or obs_shapes (a dict one), "
            f"exactly one of them; got obs_dim={obs_dim}, obs_shapes={obs_shapes}"
        )
    problem = observation_problem(cfg, obs_shapes)
    if problem is not None:
        raise ValueError(problem)


def _plain_shapes(obs_shapes: Mapping[str, Sequence[int]]) -> ObservationShapes:
    """``obs_shapes`` as a plain ``{str: [int, ...]}`` dict."""
    return {str(key): [int(size) for size in shape] for key, shape in obs_shapes.items()}
