"""``OptimizerFields``: the optimiser and learning-rate schedule keys every algorithm config
shares (``optimizer``, ``lr_schedule``, ``total_updates``, ``lr_scheduler``), their checks,
and the older algorithm keys they alias.

A dataclass mixin: ``PPOConfig``, ``GRPOConfig``, ``APGConfig`` and ``OffPolicyConfig``
subclass it (so do their Hydra schemas), declare their own keys, and define ``validate``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import ClassVar

from embodichain_rl.algorithms.optim.config import (
    OPTIMIZER_KNOBS,
    LRSchedulerConfig,
    OptimizerConfig,
    lr_schedule_problems,
)
from embodichain_rl.algorithms.optim.fields import coerce_block, resolve_alias


@dataclass
class OptimizerFields:
    """The ``algorithm.optimizer`` / ``lr_schedule`` / ``total_updates`` / ``lr_scheduler``
    keys of an algorithm config (a mixin; the subclass defines ``validate``)."""

    optimizer: OptimizerConfig = field(default_factory=OptimizerConfig)
    """Which optimiser and its knobs (``algorithm/optimizer=NAME``; EmbodiChain's block);
    SAC/TD3 use it for the actor and the critics (SAC's α keeps Adam)."""
    lr_schedule: str = "constant"
    """Learning-rate schedule over update() calls: constant, linear, cosine (these two need
    total_updates), step, exponential or adaptive (rsl_rl's rule on the update's mean
    approx-KL; PPO and GRPO only); its knobs are lr_scheduler.*."""
    total_updates: int | None = None
    """Update() calls the linear and cosine schedules span, >= 1 (null: the trainer's
    iteration count)."""
    lr_scheduler: LRSchedulerConfig = field(default_factory=LRSchedulerConfig)
    """Knobs of the lr_schedule (``algorithm/lr_scheduler=NAME`` sets lr_schedule)."""

    OPTIMIZER_ALIASES: ClassVar[tuple[tuple[str, str], ...]] = (
        ("learning_rate", "learning_rate"),
        ("adam_eps", "eps"),
    )
    """(older algorithm key, optimizer block knob) pairs for the same setting."""
    MEASURES_KL: ClassVar[bool] = True
    """Whether update() measures the policy's approx-KL (the adaptive schedule needs it)."""

    def __post_init__(self) -> None:
        self.optimizer = coerce_block(self.optimizer, OptimizerConfig, "optimizer")
        self.lr_scheduler = coerce_block(self.lr_scheduler, LRSchedulerConfig, "lr_scheduler")
        problems: list[str] = []
        for old, knob in self.OPTIMIZER_ALIASES:
            value = getattr(self.optimizer, knob)
            problems += resolve_alias(self, old, f"optimizer.{knob}", value)
        self.raise_problems(problems)
        self.validate()

    def validate(self) -> None:
        """Raise ``ValueError`` naming every out-of-range hyperparameter (the subclass's)."""
        self.raise_problems(self.schedule_problems())

    def raise_problems(self, problems: list[str]) -> None:
        """One ``ValueError`` "invalid NAME config: ..." naming every problem (none: no-op)."""
        if problems:
            raise ValueError(f"invalid {self.algorithm_name()} config: " + "; ".join(problems))

    def schedule_problems(self) -> list[str]:
        """Messages for a bad ``lr_schedule`` / ``total_updates``, and ``adaptive`` where
        update() measures no KL."""
        problems = lr_schedule_problems(self.lr_schedule, self.total_updates)
        if self.lr_schedule == "adaptive" and not self.MEASURES_KL:
            problems.append(
                "lr_schedule='adaptive' follows the KL of a policy-gradient update (PPO, "
                f"GRPO) and {self.algorithm_name()} measures none; choose constant, linear, "
                "cosine, step or exponential"
            )
        return problems

    def optimizer_config(self, learning_rate: float | None = None) -> OptimizerConfig:
        """The optimizer block with the older keys' values filled in where the optimiser
        takes the knob (``learning_rate``, ``adam_eps``, TD3's ``weight_decay``), at
        ``learning_rate`` when given (one network's rate): what ``build_optimizer`` gets."""
        block = self.optimizer
        takes = ("learning_rate", *OPTIMIZER_KNOBS[block.name])
        values = {
            knob: getattr(self, old) if knob in takes else None
            for old, knob in self.OPTIMIZER_ALIASES
        }
        if learning_rate is not None:
            values["learning_rate"] = learning_rate
        return dataclasses.replace(block, **values)

    @classmethod
    def algorithm_name(cls) -> str:
        """Name used in error messages (``SACConfig`` -> ``SAC``)."""
        for klass in cls.__mro__:
            if klass.__name__.endswith("Config") and klass.__module__.startswith(
                "embodichain_rl.algorithms"
            ):
                return klass.__name__.removesuffix("Config") or "off-policy"
        return "off-policy"
