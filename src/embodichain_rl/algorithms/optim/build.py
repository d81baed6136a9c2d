"""``build_optimizer``: a ``torch.optim`` optimiser from an ``OptimizerConfig`` whose
learning rate lives in a device tensor, so a schedule never recompiles or syncs."""

from __future__ import annotations

import inspect
from collections.abc import Iterable

import torch

from embodichain_rl.algorithms.optim.config import OptimizerConfig

OPTIMIZER_CLASSES: dict[str, type[torch.optim.Optimizer]] = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
}
"""``optimizer.name`` -> its ``torch.optim`` class."""


def _takes(cls: type[torch.optim.Optimizer], keyword: str) -> bool:
    return keyword in inspect.signature(cls.__init__).parameters


def device_flags(cls: type[torch.optim.Optimizer], device: torch.device) -> dict[str, bool]:
    """``capturable`` on CUDA (the step reads the device learning rate and step count, so
    CUDA graphs stay valid) and ``fused`` on CPU (one kernel per step), where ``cls`` has
    them."""
    if device.type == "cuda" and _takes(cls, "capturable"):
        return {"capturable": True}
    if device.type == "cpu" and _takes(cls, "fused"):
        return {"fused": True}
    return {}


def build_optimizer(
    params: Iterable[torch.nn.Parameter] | Iterable[dict],
    config: OptimizerConfig,
    device: torch.device | str,
    *,
    learning_rate: float | None = None,
) -> torch.optim.Optimizer:
    """The optimiser ``config.name`` over ``params`` with the given knobs; its learning
    rate is ``config.learning_rate``, else ``learning_rate`` (the algorithm's own key), as
    a device scalar tensor in every param group (write it with ``fill_``/``copy_``)."""
    lr = config.learning_rate if config.learning_rate is not None else learning_rate
    if lr is None:
        raise ValueError("optimizer.learning_rate is null and the algorithm gave no rate")
    device = torch.device(device)
    cls = OPTIMIZER_CLASSES[config.name]
    kwargs = {**config.knobs(), **device_flags(cls, device)}
    return cls(params, lr=torch.tensor(float(lr), device=device), **kwargs)


def restore_device_learning_rates(optimizer: torch.optim.Optimizer, device: torch.device) -> None:
    """After ``optimizer.load_state_dict``: every group's ``lr`` a device tensor again
    (whatever the checkpoint held), so the compiled step and schedules keep working."""
    for group in optimizer.param_groups:
        lr = group["lr"]
        if isinstance(lr, torch.Tensor):
            group["lr"] = lr.detach().to(device=device, dtype=torch.float32).clone()
        else:
            group["lr"] = torch.tensor(float(lr), device=device)
