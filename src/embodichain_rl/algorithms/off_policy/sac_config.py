"""``SACConfig``: every SAC hyperparameter and its default, documented and range-checked.

The one place SAC's defaults are written: ``SAC(**hyperparameters)`` builds it, and the
Hydra ``algorithm=sac`` schema subclasses it (``conf/algorithm/sac.yaml`` holds only
deliberate overrides). The defaults are FastSAC-style, for thousands of parallel envs on
one GPU: a large batch (8192), a replay buffer of a million transitions, two gradient
steps per vectorised env step, a faster target than classic SAC, a small initial entropy
coefficient, and observation normalisation (in the policy). A handful of CPU envs wants
the classic scale instead (see ``conf/experiment/pendulum_sac.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass

from embodichain_rl.algorithms.off_policy.config import OffPolicyConfig
from embodichain_rl.policies.augmentation import AUGMENTATIONS


@dataclass
class SACConfig(OffPolicyConfig):
    """Every SAC hyperparameter (the Hydra ``algorithm`` schema reuses this class)."""

    tau: float = 0.05
    """Polyak factor of the target critics per critic step, in (0, 1] (faster than
    classic SAC's 0.005, for large batches; the Pendulum preset uses 0.005)."""
    batch_size: int = 8192
    """Transitions sampled from the replay buffer per gradient step, in [1,
    learning_starts]."""
    learning_starts: int = 8192
    """Transitions (all envs together) collected with uniform random actions before the
    first gradient step, >= batch_size."""
    updates_per_step: int = 2
    """Gradient steps per vectorised env step (update-to-data ratio), >= 1."""
    actor_learning_rate: float = 3e-4
    """Adam step size of the actor, > 0."""
    critic_learning_rate: float = 3e-4
    """Adam step size of the twin critics, > 0."""
    alpha_learning_rate: float = 3e-4
    """Adam step size of log(entropy coefficient), > 0 (used with autotune_alpha)."""
    init_alpha: float = 0.01
    """Entropy coefficient α at the start, > 0 (small, so thousands of envs' random
    early actions do not dominate the targets; classic SAC starts at 1)."""
    autotune_alpha: bool = True
    """Learn α so the policy's entropy tracks target_entropy; false keeps init_alpha."""
    target_entropy: float | None = None
    """Target entropy of the actions in [-1, 1]^A, in nats (null: -action_dim)."""
    policy_frequency: int = 1
    """Critic steps per actor (and α) step, >= 1."""
    augmentation: str = "none"
    """Image augmentation of sampled batches (image keys only): none or random_shift
    (DrQ: obs and next_obs shifted independently, per sample)."""
    shift_pad: int = 4
    """random_shift: replicate-pad by this many pixels, crop back at a random offset (>= 0;
    DrQ uses 4 at 84 x 84)."""

    def algorithm_problems(self) -> list[str]:
        """Messages for every out-of-range SAC-specific hyperparameter."""
        problems = [
            f"{name} must be > 0, got {getattr(self, name)}"
            for name in (
                "actor_learning_rate",
                "critic_learning_rate",
                "alpha_learning_rate",
                "init_alpha",
            )
            if not getattr(self, name) > 0
        ]
        if self.policy_frequency < 1:
            problems.append(f"policy_frequency must be >= 1, got {self.policy_frequency}")
        if self.augmentation not in AUGMENTATIONS:
            problems.append(
                f"augmentation must be one of {list(AUGMENTATIONS)}, got {self.augmentation!r}"
            )
        if self.shift_pad < 0:
            problems.append(f"shift_pad must be >= 0, got {self.shift_pad}")
        return problems
