"""``DeterministicActorCriticConfig``: every option of TD3's policy, written once.

``DeterministicActorCritic(**options)`` builds this dataclass, and the Hydra
``policy=td3_actor_critic`` schema reuses it (``conf/policy/td3_actor_critic.yaml`` holds
only deliberate overrides). The network defaults are FastTD3's (actor 512-256-128, critic
1024-512-256, ReLU), sized for thousands of parallel envs on a GPU.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from embodichain_rl.policies.actor_critic_config import NetworkConfig, as_network_config


def _actor_network() -> NetworkConfig:
    return NetworkConfig(hidden_sizes=[512, 256, 128], activation="relu")


def _critic_network() -> NetworkConfig:
    return NetworkConfig(hidden_sizes=[1024, 512, 256], activation="relu")


@dataclass
class DeterministicActorCriticConfig:
    """Every ``DeterministicActorCritic`` option (the Hydra ``policy`` schema reuses it)."""

    actor: NetworkConfig = field(default_factory=_actor_network)
    """Actor MLP (type, hidden_sizes, activation); its output goes through tanh and is
    scaled to the env's action bounds."""
    critic: NetworkConfig = field(default_factory=_critic_network)
    """Network of each of the two Q critics (type, hidden_sizes, activation)."""
    normalize_obs: bool = True
    """Normalise observations with running mean/variance statistics saved with the policy
    (FastTD3 does); actor, critics and their targets all see the same normalisation."""
    clip_obs: float = 10.0
    """Clip normalised observations to ±clip_obs (> 0)."""
    obs_norm_eps: float = 1e-8
    """Variance floor of the observation normaliser (> 0)."""

    def __post_init__(self) -> None:
        self.actor = as_network_config(self.actor, "actor")
        self.critic = as_network_config(self.critic, "critic")
        problems = [
            f"{name} must be > 0, got {getattr(self, name)}"
            for name in ("clip_obs", "obs_norm_eps")
            if not getattr(self, name) > 0
        ]
        if problems:
            raise ValueError("invalid DeterministicActorCritic config: " + "; ".join(problems))
