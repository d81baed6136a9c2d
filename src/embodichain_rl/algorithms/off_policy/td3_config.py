"""``TD3Config``: every TD3 hyperparameter and its default, documented and range-checked.

The one place TD3's defaults are written: ``TD3(**hyperparameters)`` builds it, and the
Hydra ``algorithm=td3`` schema subclasses it (``conf/algorithm/td3.yaml`` holds only
deliberate overrides). The defaults follow FastTD3 (Seo et al., 2025) for thousands of
parallel envs on one GPU: a large batch, AdamW with weight decay, a fast target (τ = 0.1),
two gradient steps per vectorised env step, and exploration-noise scales drawn per env.
Noise magnitudes are in units of the action half-range ``(high - low) / 2``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from embodichain_rl.algorithms.off_policy.config import OffPolicyConfig
from embodichain_rl.algorithms.optim.config import OptimizerConfig


def _adamw() -> OptimizerConfig:
    return OptimizerConfig(name="adamw")


@dataclass
class TD3Config(OffPolicyConfig):
    """Every TD3 hyperparameter (the Hydra ``algorithm`` schema reuses this class)."""

    tau: float = 0.1
    """Polyak factor of the target actor and critics per delayed update, in (0, 1]
    (FastTD3's 0.1: huge batches make a fast target stable)."""
    batch_size: int = 32768
    """Transitions sampled from the replay buffer per gradient step (>= 1, <=
    learning_starts)."""
    learning_starts: int = 32768
    """Transitions (all envs together) collected with uniform random actions before the
    first gradient step, >= batch_size and <= buffer_size."""
    updates_per_step: int = 2
    """Gradient steps (critic steps) per vectorised env step, >= 1 (FastTD3's UTD)."""
    actor_learning_rate: float = 3e-4
    """AdamW step size of the actor (> 0)."""
    critic_learning_rate: float = 3e-4
    """AdamW step size of the twin critics (> 0)."""
    weight_decay: float = 0.1
    """Weight decay of both networks, >= 0 (FastTD3's 0.1; decoupled with adamw, L2 with
    the others); the older key of optimizer.weight_decay, which sets it when given."""
    policy_noise: float = 0.2
    """Std of the target-policy smoothing noise, in action half-ranges, >= 0."""
    noise_clip: float = 0.5
    """Clip of the smoothing noise, in action half-ranges, >= 0."""
    policy_delay: int = 2
    """Critic steps per actor step; the targets move with the actor (>= 1)."""
    optimizer: OptimizerConfig = field(default_factory=_adamw)
    """Optimiser of the actor and of the critics (FastTD3's AdamW) and its knobs; its
    learning_rate / weight_decay, when given, set the older keys."""

    OPTIMIZER_ALIASES: ClassVar[tuple[tuple[str, str], ...]] = (
        *OffPolicyConfig.OPTIMIZER_ALIASES,
        ("weight_decay", "weight_decay"),
    )
    """(older algorithm key, optimizer block knob) pairs for the same setting."""

    exploration_noise_min: float = 0.001
    """Smallest per-env exploration-noise std, in action half-ranges, >= 0."""
    exploration_noise_max: float = 0.4
    """Largest per-env exploration-noise std, in action half-ranges, >=
    exploration_noise_min; each env draws its std uniformly from [min, max] at the start
    and again whenever its episode ends."""

    def algorithm_problems(self) -> list[str]:
        """Messages for every out-of-range TD3-specific hyperparameter."""
        problems = [
            f"{name} must be > 0, got {getattr(self, name)}"
            for name in ("actor_learning_rate", "critic_learning_rate")
            if not getattr(self, name) > 0
        ]
        problems += [
            f"{name} must be >= 0, got {getattr(self, name)}"
            for name in ("weight_decay", "policy_noise", "noise_clip", "exploration_noise_min")
            if getattr(self, name) < 0
        ]
        if self.policy_delay < 1:
            problems.append(f"policy_delay must be >= 1, got {self.policy_delay}")
        if self.exploration_noise_max < self.exploration_noise_min:
            problems.append(
                f"exploration_noise_max must be >= exploration_noise_min "
                f"({self.exploration_noise_min}), got {self.exploration_noise_max}"
            )
        return problems
