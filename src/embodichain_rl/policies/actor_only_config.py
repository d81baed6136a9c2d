"""``ActorOnlyConfig``: every ``ActorOnly`` option and its default, written once.

``ActorOnly(**options)`` builds this dataclass, and the Hydra ``policy=actor_only`` schema
reuses it (``conf/policy/actor_only.yaml`` holds only deliberate overrides). The network keys
follow EmbodiChain's ``actor.network_cfg`` (``hidden_sizes``, ``activation``,
``last_activation``, ``orthogonal_init``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from embodichain_rl.policies.actor_critic_config import (
    PolicyNetworkConfig,
    as_policy_network_config,
)


@dataclass
class ActorOnlyConfig:
    """Every ``ActorOnly`` option (the Hydra ``policy`` schema reuses this class)."""

    actor: PolicyNetworkConfig = field(default_factory=PolicyNetworkConfig)
    """Actor network (type, hidden_sizes, activation, last_activation, orthogonal_init)."""
    init_log_std: float = 0.0
    """Initial log standard deviation of every action dimension (EmbodiChain's
    ``initial_log_std``), within [log_std_min, log_std_max]."""
    log_std_min: float = -5.0
    """Lower clamp of the learnable log standard deviation (EmbodiChain's bound)."""
    log_std_max: float = 2.0
    """Upper clamp of the learnable log standard deviation (> log_std_min)."""
    normalize_obs: bool = False
    """Normalise observations with running mean/variance statistics saved with the policy."""
    clip_obs: float = 10.0
    """Clip normalised observations to ±clip_obs (> 0)."""
    obs_norm_eps: float = 1e-8
    """Variance floor of the observation normaliser (> 0)."""

    def __post_init__(self) -> None:
        self.actor = as_policy_network_config(self.actor, "actor")
        problems = [
            f"{name} must be > 0, got {getattr(self, name)}"
            for name in ("clip_obs", "obs_norm_eps")
            if not getattr(self, name) > 0
        ]
        if not self.log_std_min < self.log_std_max:
            problems.append(
                f"log_std_min must be < log_std_max, got {self.log_std_min} >= {self.log_std_max}"
            )
        elif not self.log_std_min <= self.init_log_std <= self.log_std_max:
            problems.append(
                f"init_log_std must be in [log_std_min, log_std_max] = "
                f"[{self.log_std_min}, {self.log_std_max}], got {self.init_log_std}"
            )
        if problems:
            raise ValueError("invalid ActorOnly config: " + "; ".join(problems))
