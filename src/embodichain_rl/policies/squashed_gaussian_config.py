"""``SquashedGaussianActorCriticConfig``: every option of SAC's policy, written once.

``SquashedGaussianActorCritic(**options)`` builds this dataclass, and the Hydra
``policy=sac_actor_critic`` schema reuses it (``conf/policy/sac_actor_critic.yaml`` holds
only deliberate overrides). The network defaults follow FastSAC/FastTD3 (actor 512-256-128,
critic 1024-512-256, ReLU), sized for thousands of parallel envs on a GPU.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from embodichain_rl.policies.actor_critic_config import (
    NetworkConfig,
    _key_list,
    as_network_config,
)
from embodichain_rl.policies.encoder_config import EncoderConfig, as_encoder_config


def _actor_network() -> NetworkConfig:
    return NetworkConfig(hidden_sizes=[512, 256, 128], activation="relu")


def _critic_network() -> NetworkConfig:
    return NetworkConfig(hidden_sizes=[1024, 512, 256], activation="relu")


@dataclass
class SquashedGaussianActorCriticConfig:
    """Every ``SquashedGaussianActorCritic`` option (the Hydra ``policy`` schema reuses it)."""

    actor: NetworkConfig = field(default_factory=_actor_network)
    """Actor MLP (type, hidden_sizes, activation); its output is the Gaussian's mean and
    log-std (2 x action_dim values) before the tanh squash."""
    critic: NetworkConfig = field(default_factory=_critic_network)
    """Network of each of the two Q critics (type, hidden_sizes, activation)."""
    log_std_min: float = -5.0
    """Lower end of the pre-squash log standard deviation, in log-units (< log_std_max)."""
    log_std_max: float = 2.0
    """Upper end of the pre-squash log standard deviation, in log-units (> log_std_min);
    the actor's raw output is mapped smoothly into [log_std_min, log_std_max] by a tanh."""
    normalize_obs: bool = True
    """Normalise observations with running mean/variance statistics saved with the policy
    (FastSAC does); actor, critics and target critics all see the same normalisation."""
    clip_obs: float = 10.0
    """Clip normalised observations to ±clip_obs (> 0)."""
    obs_norm_eps: float = 1e-8
    """Variance floor of the observation normaliser (> 0)."""
    encoder: EncoderConfig = field(default_factory=EncoderConfig)
    """Dict observations only: the image CNN and vector-key MLP before the MLPs. Shared
    (encoder.share and equal keys): the critic's encoder, trained by the critic loss only;
    the actor reads its features detached (DrQ / SAC-AE)."""
    actor_obs: list[str] | None = None
    """Dict observations only: keys the actor reads; null: every key except privileged."""
    critic_obs: list[str] | None = None
    """Dict obs only: keys the critics read; null: the actor's ([privileged]: asymmetric)."""

    def __post_init__(self) -> None:
        self.actor = as_network_config(self.actor, "actor")
        self.critic = as_network_config(self.critic, "critic")
        self.encoder = as_encoder_config(self.encoder)
        self.actor_obs = _key_list("actor_obs", self.actor_obs)
        self.critic_obs = _key_list("critic_obs", self.critic_obs)
        problems = [
            f"{name} must be > 0, got {getattr(self, name)}"
            for name in ("clip_obs", "obs_norm_eps")
            if not getattr(self, name) > 0
        ]
        if not self.log_std_min < self.log_std_max:
            problems.append(
                f"log_std_min must be < log_std_max, got {self.log_std_min} >= {self.log_std_max}"
            )
        if problems:
            raise ValueError("invalid SquashedGaussianActorCritic config: " + "; ".join(problems))
