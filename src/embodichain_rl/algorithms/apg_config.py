"""``APGConfig``: every APG hyperparameter and its default, documented and range-checked.

This dataclass is the one place APG's defaults are written: ``APG(**hyperparameters)``
builds it and the Hydra ``algorithm=apg`` schema subclasses it (``conf/algorithm/apg.yaml``
holds only deliberate overrides). Defaults follow EmbodiChain's PointMass APG config
(``train_apg.yaml``) except the learning rate (measured, docs/apg.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from embodichain_rl.algorithms.optim.algorithm_fields import OptimizerFields


@dataclass
class _APGKeys:
    """APG's own hyperparameters; ``APGConfig`` puts the optimiser and schedule keys
    after them."""

    learning_rate: float = 3e-3
    """Optimiser step size at the first update (> 0); one step per iteration. EmbodiChain's
    PointMass config uses 2.5e-4 for 500 iterations; 3e-3 solves PointMass in ~40
    (docs/apg.md). The older key of optimizer.learning_rate, which sets it when given."""
    horizon: int = 100
    """Steps per truncated-backpropagation segment (>= 1, EmbodiChain's segment_length):
    the graph is cut (``detach_state``) every ``horizon`` steps; an iteration's
    ``runtime.rollout_steps`` steps (the update horizon) are split into such segments whose
    gradients add up before the one optimiser step."""
    gamma: float = 0.99
    """Discount per env step, in [0, 1]; it restarts at 1 after every finished episode (no
    bootstrap: a terminal or time-limited step ends the return) and at every iteration."""
    ent_coef: float = 0.0
    """Weight of the (equally discounted) policy entropy added to the objective (>= 0)."""
    max_grad_norm: float | None = 0.5
    """Global L2 gradient-norm clip before the optimiser step, > 0; null disables clipping."""
    adam_eps: float = 1e-8
    """Denominator epsilon of adam/adamw/rmsprop (> 0; the older key of optimizer.eps,
    which sets it when given)."""


@dataclass
class APGConfig(OptimizerFields, _APGKeys):
    """Every APG hyperparameter (the Hydra ``algorithm`` schema reuses this class): its own
    keys, then ``optimizer``, ``lr_schedule``, ``total_updates`` and ``lr_scheduler``."""

    MEASURES_KL: ClassVar[bool] = False
    """APG measures no policy KL, so lr_schedule=adaptive is refused."""

    def validate(self) -> None:
        """Raise ``ValueError`` naming every out-of-range hyperparameter."""
        problems = []
        if not self.learning_rate > 0:
            problems.append(f"learning_rate must be > 0, got {self.learning_rate}")
        if self.horizon < 1:
            problems.append(f"horizon must be >= 1, got {self.horizon}")
        if not 0.0 <= self.gamma <= 1.0:
            problems.append(f"gamma must be in [0, 1], got {self.gamma}")
        if self.ent_coef < 0:
            problems.append(f"ent_coef must be >= 0, got {self.ent_coef}")
        if self.max_grad_norm is not None and not self.max_grad_norm > 0:
            problems.append(f"max_grad_norm must be > 0 or null, got {self.max_grad_norm}")
        if not self.adam_eps > 0:
            problems.append(f"adam_eps must be > 0, got {self.adam_eps}")
        problems += self.schedule_problems()
        self.raise_problems(problems)


def segment_lengths(num_steps: int, horizon: int) -> list[int]:
    """Lengths of the segments ``num_steps`` steps are cut into: ``horizon`` each, the last
    one shorter when ``horizon`` does not divide ``num_steps``."""
    full, rest = divmod(num_steps, horizon)
    return [horizon] * full + ([rest] if rest else [])
