"""``OffPolicyConfig``: the replay and update knobs SAC and TD3 share, range-checked.

``SACConfig`` and ``TD3Config`` extend it (each adds its learning rates and own terms and
may override a default); its defaults are the FastSAC/FastTD3 ones for many parallel envs.
A subclass reports its own out-of-range fields from ``algorithm_problems()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from embodichain_rl.algorithms.optim.algorithm_fields import OptimizerFields


@dataclass
class _OffPolicyKeys:
    """The replay and update keys; ``OffPolicyConfig`` puts the optimiser and schedule keys
    after them (and SAC/TD3 their own after those)."""

    gamma: float = 0.99
    """Discount factor per env step, in [0, 1]."""
    buffer_size: int = 1_000_000
    """Replay capacity in transitions, all envs together (>= 1; rounded down to a whole
    number of vectorised steps, at least n_step of them)."""
    batch_size: int = 8192
    """Transitions sampled per gradient step, in [1, learning_starts]."""
    learning_starts: int = 8192
    """Transitions (all envs together) collected with uniform random actions before the
    first gradient step, >= batch_size and <= buffer_size."""
    updates_per_step: int = 1
    """Gradient steps per vectorised env step (the update-to-data ratio), >= 1."""
    n_step: int = 1
    """Steps summed into each return before bootstrapping, >= 1 (1: one-step TD)."""
    tau: float = 0.005
    """Polyak factor of the target networks per update, in (0, 1] (1: hard copy)."""
    max_grad_norm: float | None = None
    """Global L2 gradient-norm clip of each network, > 0; null disables it."""
    save_replay_buffer: bool = False
    """Save the replay buffer in checkpoints (exact resume; can be large); when false a
    resumed run starts with an empty buffer (and refills it before learning)."""
    seed: int | None = None
    """Seed of the device generator for sampling and exploration noise (null: the run's
    seed, else 0)."""


@dataclass
class OffPolicyConfig(OptimizerFields, _OffPolicyKeys):
    """Replay buffer and update schedule of an off-policy learner (``algorithm.*``), then
    ``optimizer``, ``lr_schedule``, ``total_updates`` and ``lr_scheduler``."""

    OPTIMIZER_ALIASES: ClassVar[tuple[tuple[str, str], ...]] = (
        ("actor_learning_rate", "learning_rate"),
        ("critic_learning_rate", "learning_rate"),
    )
    """(older algorithm key, optimizer block knob) pairs for the same setting."""
    MEASURES_KL: ClassVar[bool] = False
    """SAC and TD3 measure no policy KL, so lr_schedule=adaptive is refused."""

    def validate(self) -> None:
        """Raise ``ValueError`` naming every out-of-range hyperparameter."""
        self.raise_problems(self.off_policy_problems() + self.algorithm_problems())

    def off_policy_problems(self) -> list[str]:
        """Messages for every out-of-range shared field."""
        problems: list[str] = []
        if not 0.0 <= self.gamma <= 1.0:
            problems.append(f"gamma must be in [0, 1], got {self.gamma}")
        for name in ("buffer_size", "batch_size", "updates_per_step", "n_step"):
            if getattr(self, name) < 1:
                problems.append(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.learning_starts < 0:
            problems.append(f"learning_starts must be >= 0, got {self.learning_starts}")
        elif self.batch_size > self.learning_starts:
            problems.append(
                f"batch_size={self.batch_size} exceeds learning_starts={self.learning_starts} "
                "(the transitions the buffer holds when learning starts): lower "
                "algorithm.batch_size or raise algorithm.learning_starts"
            )
        if self.learning_starts > self.buffer_size:
            problems.append(
                f"learning_starts={self.learning_starts} exceeds buffer_size="
                f"{self.buffer_size}: the buffer never holds that many transitions"
            )
        if not 0.0 < self.tau <= 1.0:
            problems.append(f"tau must be in (0, 1], got {self.tau}")
        if self.max_grad_norm is not None and not self.max_grad_norm > 0:
            problems.append(f"max_grad_norm must be > 0 or null, got {self.max_grad_norm}")
        if self.seed is not None and self.seed < 0:
            problems.append(f"seed must be >= 0 or null, got {self.seed}")
        return problems + self.schedule_problems()

    def algorithm_problems(self) -> list[str]:
        """Messages for the subclass's own out-of-range fields (none here)."""
        return []

    def rollout_problems(self, num_steps: int, num_envs: int) -> list[str]:
        """Cross-checks against the rollout (``runtime.rollout_steps`` x ``env.num_envs``):
        the ring must hold at least ``n_step`` vectorised steps and ``learning_starts``."""
        rows = self.buffer_size // num_envs
        if rows < self.n_step:
            return [
                f"buffer_size={self.buffer_size} holds {rows} steps of env.num_envs="
                f"{num_envs} envs, fewer than n_step={self.n_step}: raise algorithm.buffer_size"
            ]
        if rows * num_envs < self.learning_starts:
            return [
                f"buffer_size={self.buffer_size} holds {rows * num_envs} transitions of "
                f"env.num_envs={num_envs} envs, fewer than learning_starts="
                f"{self.learning_starts}: raise algorithm.buffer_size"
            ]
        return []
