"""Learning-rate schedules over ``update`` calls, written into the optimisers' device
learning-rate tensors: host arithmetic on the update counter (``fill_``, no sync) for the
closed-form schedules, device arithmetic on the measured KL for ``adaptive``."""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch

from embodichain_rl.algorithms.optim.config import (
    HORIZON_SCHEDULES,
    LR_SCHEDULES,
    LRSchedulerConfig,
)


def schedule_factor(
    name: str, settings: LRSchedulerConfig, update: int, total_updates: int | None
) -> float:
    """Multiplier of the initial rate for update ``update`` (0 = the first update) of the
    closed-form schedules; ``adaptive`` has none (1)."""
    if name in HORIZON_SCHEDULES:
        assert total_updates is not None, f"{name} needs total_updates"
        progress = min(update, total_updates) / total_updates
        if name == "linear":
            return 1.0 + (settings.end_factor - 1.0) * progress
        cosine = (1.0 + math.cos(math.pi * progress)) / 2.0
        return settings.min_factor + (1.0 - settings.min_factor) * cosine
    if name == "step":
        return settings.gamma ** (update // settings.step_size)
    if name == "exponential":
        return settings.gamma**update
    return 1.0


def adaptive_lr(lr: torch.Tensor, kl: torch.Tensor, settings: LRSchedulerConfig) -> torch.Tensor:
    """rsl_rl's adaptive rule on device: ``lr / factor`` (at least ``min_lr``) when
    ``kl > 2 desired_kl``, ``lr * factor`` (at most ``max_lr``) when ``0 < kl < desired_kl
    / 2``, else ``lr``."""
    kl = kl.to(lr.dtype)
    lower = torch.clamp(lr / settings.factor, min=settings.min_lr)
    higher = torch.clamp(lr * settings.factor, max=settings.max_lr)
    low_kl = (kl < settings.desired_kl / 2.0) & (kl > 0.0)
    return torch.where(kl > 2.0 * settings.desired_kl, lower, torch.where(low_kl, higher, lr))


class LRSchedule:
    """The schedule ``name`` over every param group of ``optimizers``; the initial rates
    are the groups' rates when it is built."""

    def __init__(
        self,
        name: str,
        settings: LRSchedulerConfig,
        optimizers: Sequence[torch.optim.Optimizer],
        total_updates: int | None = None,
    ) -> None:
        if name not in LR_SCHEDULES:
            raise ValueError(f"lr_schedule must be one of {list(LR_SCHEDULES)}, got {name!r}")
        if name in HORIZON_SCHEDULES and total_updates is None:
            raise ValueError(
                f"lr_schedule={name!r} needs total_updates (>= 1); the trainer passes its "
                "iteration count"
            )
        self.name = name
        """Which schedule (``LR_SCHEDULES``)."""
        self.settings = settings
        """Its knobs (``algorithm.lr_scheduler``)."""
        self.total_updates = total_updates
        """Updates the linear and cosine schedules span."""
        self.optimizers = list(optimizers)
        """The optimisers whose rates it writes (their groups are read afresh each time:
        ``load_state_dict`` replaces them)."""
        self.initial_lrs = [float(g["lr"]) for o in self.optimizers for g in o.param_groups]
        """Rate of each param group at update 0 (read once, when tracked)."""

    def track(self, optimizer: torch.optim.Optimizer) -> None:
        """Schedule ``optimizer`` too, from its current rates."""
        self.optimizers.append(optimizer)
        self.initial_lrs += [float(group["lr"]) for group in optimizer.param_groups]

    @property
    def adaptive(self) -> bool:
        """Whether the rate follows the measured KL (``adapt``) instead of the counter."""
        return self.name == "adaptive"

    def _groups(self) -> list[dict]:
        return [group for optimizer in self.optimizers for group in optimizer.param_groups]

    def host_lr(self, update: int) -> float:
        """First group's rate for update ``update`` of a closed-form schedule (host
        arithmetic; the adaptive schedule's rate lives only on the device)."""
        factor = schedule_factor(self.name, self.settings, update, self.total_updates)
        return self.initial_lrs[0] * factor

    def apply(self, update: int) -> None:
        """Write every group's rate for update ``update`` (a no-op for ``adaptive``)."""
        if self.adaptive:
            return
        factor = schedule_factor(self.name, self.settings, update, self.total_updates)
        for group, initial in zip(self._groups(), self.initial_lrs, strict=True):
            group["lr"].fill_(initial * factor)

    def adapt(self, kl: torch.Tensor) -> None:
        """Move every rate by the adaptive rule from an update's mean approx-KL (a device
        scalar; nothing is read on the host); a no-op for the other schedules."""
        if not self.adaptive:
            return
        for group in self._groups():
            group["lr"].copy_(adaptive_lr(group["lr"], kl, self.settings))

    def current_lr(self) -> torch.Tensor:
        """The first group's rate as a device scalar (what the next step uses)."""
        return self._groups()[0]["lr"].detach().clone()
