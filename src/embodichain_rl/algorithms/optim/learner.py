"""What a single-optimiser algorithm (PPO, GRPO, APG) builds from its ``OptimizerFields``
config: the optimiser with its learning-rate schedule, the seeded device generator, and
the checkpoint state of the optimiser and its update counter."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

from embodichain_rl.algorithms.optim.algorithm_fields import OptimizerFields
from embodichain_rl.algorithms.optim.build import build_optimizer, restore_device_learning_rates
from embodichain_rl.algorithms.optim.schedule import LRSchedule


def optimizer_and_schedule(
    params: Iterable[torch.nn.Parameter], config: OptimizerFields, device: torch.device
) -> tuple[torch.optim.Optimizer, LRSchedule]:
    """The configured optimiser over ``params`` (its learning rate a device tensor;
    capturable on CUDA, fused on CPU where the class has them) and the ``lr_schedule`` that
    writes each update's rate into it."""
    optimizer = build_optimizer(params, config.optimizer_config(), device)
    schedule = LRSchedule(
        config.lr_schedule, config.lr_scheduler, [optimizer], config.total_updates
    )
    return optimizer, schedule


def seeded_generator(seed: int | None, device: torch.device) -> torch.Generator:
    """A device generator seeded with ``seed`` (``None``: 0)."""
    generator = torch.Generator(device=device)
    generator.manual_seed(0 if seed is None else seed)
    return generator


def optimizer_state(optimizer: torch.optim.Optimizer, update_count: int) -> dict[str, Any]:
    """The ``optimizer`` and ``update_count`` entries of an algorithm's ``state_dict``."""
    return {"optimizer": optimizer.state_dict(), "update_count": update_count}


def load_optimizer_state(
    optimizer: torch.optim.Optimizer, state: dict[str, Any], device: torch.device
) -> int:
    """Restore ``optimizer`` from what ``optimizer_state`` wrote (every learning rate a
    device tensor again); returns the saved update count."""
    optimizer.load_state_dict(state["optimizer"])
    restore_device_learning_rates(optimizer, device)
    return int(state["update_count"])
