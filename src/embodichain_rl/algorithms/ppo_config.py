"""``PPOConfig``: every PPO hyperparameter, documented and range-checked."""

from __future__ import annotations

from dataclasses import dataclass

LR_SCHEDULES = ("constant", "linear")
"""Valid ``lr_schedule`` values."""


@dataclass
class PPOConfig:
    """Every PPO hyperparameter (the Hydra ``algorithm`` schema reuses this class)."""

    learning_rate: float = 3e-4
    """Adam step size at the first update (> 0)."""
    n_epochs: int = 10
    """Passes over each rollout per update (>= 1)."""
    batch_size: int = 64
    """Minibatch size in samples, in [1, num_steps * num_envs]; a partial last one is dropped."""
    gamma: float = 0.99
    """Discount factor per env step, in [0, 1]."""
    gae_lambda: float = 0.95
    """GAE bias/variance trade-off λ, in [0, 1] (1 = Monte-Carlo returns)."""
    clip_coef: float = 0.2
    """Surrogate (and optional value) clipping range ε, > 0 (typ. 0.1-0.3)."""
    ent_coef: float = 0.01
    """Weight of the entropy bonus, >= 0."""
    vf_coef: float = 0.5
    """Weight of the value loss, >= 0."""
    max_grad_norm: float | None = 0.5
    """Global L2 gradient-norm clip, > 0; null disables clipping."""
    clip_value_loss: bool = False
    """Also clip the value prediction to within clip_coef of the rollout value."""
    normalize_advantage: bool = True
    """Standardise advantages once per rollout (over all T*N samples) before the epochs."""
    lr_schedule: str = "constant"
    """'constant' or 'linear' (decays to 0 over total_updates updates)."""
    total_updates: int | None = None
    """Update() calls the linear schedule spans, >= 1 (null: the trainer's iteration count)."""
    target_kl: float | None = None
    """Stop the epochs early once an epoch's mean approx-KL exceeds this, > 0; null: never."""
    adam_eps: float = 1e-5
    """Adam's denominator epsilon, > 0."""
    seed: int | None = None
    """Seed of the device generator that shuffles minibatches (null: the run's seed, else 0)."""

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ``ValueError`` naming every out-of-range hyperparameter."""
        problems = []
        if not self.learning_rate > 0:
            problems.append(f"learning_rate must be > 0, got {self.learning_rate}")
        if self.n_epochs < 1:
            problems.append(f"n_epochs must be >= 1, got {self.n_epochs}")
        if self.batch_size < 1:
            problems.append(f"batch_size must be >= 1, got {self.batch_size}")
        for name in ("gamma", "gae_lambda"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                problems.append(f"{name} must be in [0, 1], got {getattr(self, name)}")
        if not self.clip_coef > 0:
            problems.append(f"clip_coef must be > 0, got {self.clip_coef}")
        for name in ("ent_coef", "vf_coef"):
            if getattr(self, name) < 0:
                problems.append(f"{name} must be >= 0, got {getattr(self, name)}")
        if self.max_grad_norm is not None and not self.max_grad_norm > 0:
            problems.append(f"max_grad_norm must be > 0 or null, got {self.max_grad_norm}")
        if self.lr_schedule not in LR_SCHEDULES:
            problems.append(
                f"lr_schedule must be one of {list(LR_SCHEDULES)}, got {self.lr_schedule!r}"
            )
        if self.total_updates is not None and self.total_updates < 1:
            problems.append(f"total_updates must be >= 1 or null, got {self.total_updates}")
        if self.target_kl is not None and not self.target_kl > 0:
            problems.append(f"target_kl must be > 0 or null, got {self.target_kl}")
        if not self.adam_eps > 0:
            problems.append(f"adam_eps must be > 0, got {self.adam_eps}")
        if problems:
            raise ValueError("invalid PPO config: " + "; ".join(problems))
