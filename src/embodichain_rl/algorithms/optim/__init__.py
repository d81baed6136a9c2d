"""Optimisers and learning-rate schedules every algorithm builds from its config blocks
(``algorithm.optimizer``, ``algorithm.lr_schedule`` + ``algorithm.lr_scheduler``).

Wiring a new algorithm (see docs/optimizers.md): subclass ``OptimizerFields`` in its config
(the ``optimizer``, ``lr_schedule``, ``lr_scheduler`` and ``total_updates`` keys, older-key
aliases, checks; as ``PPOConfig`` does), then build both with
``learner.optimizer_and_schedule(params, config, device)`` (or
``build_optimizer(params, config.optimizer_config(lr), device)`` and ``LRSchedule(...)`` per
network); call ``schedule.apply(update_count)`` at the start of each update (and
``schedule.adapt(mean_kl)`` at its end for ``adaptive``).
"""

from embodichain_rl.algorithms.optim.algorithm_fields import OptimizerFields
from embodichain_rl.algorithms.optim.build import (
    OPTIMIZER_CLASSES,
    build_optimizer,
    restore_device_learning_rates,
)
from embodichain_rl.algorithms.optim.config import (
    LR_SCHEDULES,
    OPTIMIZER_KNOBS,
    LRSchedulerConfig,
    OptimizerConfig,
)
from embodichain_rl.algorithms.optim.fields import coerce_block, resolve_alias
from embodichain_rl.algorithms.optim.schedule import LRSchedule, adaptive_lr, schedule_factor

__all__ = [
    "LR_SCHEDULES",
    "OPTIMIZER_CLASSES",
    "OPTIMIZER_KNOBS",
    "LRSchedule",
    "LRSchedulerConfig",
    "OptimizerConfig",
    "OptimizerFields",
    "adaptive_lr",
    "build_optimizer",
    "coerce_block",
    "resolve_alias",
    "restore_device_learning_rates",
    "schedule_factor",
]
