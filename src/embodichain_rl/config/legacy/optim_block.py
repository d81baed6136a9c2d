"""EmbodiChain's ``algorithm.cfg.optimizer {name, learning_rate, kwargs}`` and
``lr_scheduler {name, kwargs}`` blocks -> ``algorithm.optimizer.*``, ``algorithm.lr_schedule``,
``algorithm.lr_scheduler.*`` and ``algorithm.total_updates`` (docs/optimizers.md)."""

from __future__ import annotations

from typing import Any

from embodichain_rl.algorithms.optim.config import OPTIMIZER_KNOBS, OptimizerConfig
from embodichain_rl.config.legacy import mapping as table
from embodichain_rl.config.legacy.collect import Collector, schema_default, schema_fields
from embodichain_rl.config.legacy.reader import as_object, join

BLOCKS = ("optimizer", "lr_scheduler")
"""``algorithm.cfg`` keys read as EmbodiChain's blocks (not as the schema's own fields)."""

ADAM = "adam"
"""What an algorithm without an ``optimizer`` block field builds (and EmbodiChain's default)."""

OPTIMIZER_GROUP = "algorithm/optimizer"
"""The Hydra group whose option names the optimiser (a later ``algorithm/optimizer=...``
on the command line wins)."""

SCHEDULE_GROUP = "algorithm/lr_scheduler"
"""The Hydra group whose option sets ``algorithm.lr_schedule``."""


def translate_blocks(col: Collector, cfg: dict[str, Any], schema: type) -> None:
    """Both blocks of ``algorithm.cfg`` (``schema``: the chosen algorithm option's). An
    ``optimizer`` block without ``lr_scheduler`` means a constant rate (EmbodiChain's
    default: no scheduler)."""
    hints = schema_fields(schema)
    rate = None
    if "optimizer" in cfg:
        rate = _optimizer(col, cfg["optimizer"], hints)
    if rate is None and "learning_rate" in hints:
        rate = cfg.get("learning_rate", schema_default(schema, "learning_rate"))
    if "lr_scheduler" in cfg:
        _scheduler(col, cfg["lr_scheduler"], hints, rate)
    elif "optimizer" in cfg and "lr_schedule" in hints:
        col.result.choices[SCHEDULE_GROUP] = "constant"


def _optimizer(col: Collector, value: Any, hints: dict[str, Any]) -> float | None:
    """The optimiser block; returns the learning rate it sets (for ``eta_min``)."""
    src, at = col.source, "algorithm.cfg.optimizer"
    block = as_object(value, src, at, col.problems)
    if block is None:
        return None
    for key in block:
        if key not in table.OPTIMIZER_BLOCK:
            col.unknown(src, join(at, key), key, table.OPTIMIZER_BLOCK)
    typed = "optimizer" in hints
    name = block.get("name", ADAM)
    valid = list(OPTIMIZER_KNOBS) if typed else [ADAM]
    if not col.checked(src, join(at, "name"), name, str):
        pass
    elif name.lower() not in valid:
        why = "" if typed else " (this algorithm builds Adam)"
        col.problems.add(src, join(at, "name"), f"unknown optimizer {name!r}{why}; valid: {valid}")
    elif typed:
        col.result.choices[OPTIMIZER_GROUP] = name.lower()
    rate = block.get("learning_rate", table.EMBODICHAIN_LEARNING_RATE)
    rate_key = "algorithm.optimizer.learning_rate" if typed else "algorithm.learning_rate"
    if not col.set(src, join(at, "learning_rate"), rate_key, rate, float):
        rate = None
    kwargs = as_object(block.get("kwargs", {}), src, join(at, "kwargs"), col.problems) or {}
    knobs = schema_fields(OptimizerConfig, exclude=("name", "learning_rate")) if typed else {}
    if not typed and "adam_eps" in hints:
        knobs = {"eps": hints["adam_eps"]}
    for key, item in kwargs.items():
        where = join(join(at, "kwargs"), key)
        if key not in knobs:
            col.unknown(src, where, key, knobs)
        else:
            target = f"algorithm.optimizer.{key}" if typed else "algorithm.adam_eps"
            col.set(src, where, target, item, knobs[key])
    return rate


def _scheduler(col: Collector, value: Any, hints: dict[str, Any], rate: Any) -> None:
    """The schedule block: its name -> ``lr_schedule`` (null: constant), its torch kwargs ->
    the schedule's knobs."""
    src, at = col.source, "algorithm.cfg.lr_scheduler"
    block = as_object(value, src, at, col.problems)
    if block is None:
        return
    for key in block:
        if key not in table.LR_SCHEDULER_BLOCK:
            col.unknown(src, join(at, key), key, table.LR_SCHEDULER_BLOCK)
    name = block.get("name")
    if not col.checked(src, join(at, "name"), name, str | None):
        return
    name = name.lower() if name is not None else None
    if name is not None and "lr_schedule" not in hints:
        col.problems.add(
            src, join(at, "name"), "this algorithm has no learning-rate schedule; valid: null"
        )
        return
    if name is not None and name not in table.LR_SCHEDULER_KWARGS:
        valid = ", ".join(["null", *table.LR_SCHEDULER_KWARGS])
        col.problems.add(src, join(at, "name"), f"unknown schedule {name!r}; valid: {valid}")
        return
    if "lr_schedule" in hints:
        col.result.choices[SCHEDULE_GROUP] = name or "constant"
    kwargs = as_object(block.get("kwargs", {}), src, join(at, "kwargs"), col.problems) or {}
    valid_kwargs = table.LR_SCHEDULER_KWARGS.get(name or "", ())
    for key, item in kwargs.items():
        _schedule_kwarg(col, join(join(at, "kwargs"), key), key, item, valid_kwargs, rate)


def _schedule_kwarg(
    col: Collector, at: str, key: str, value: Any, valid: tuple[str, ...], rate: Any
) -> None:
    """One torch scheduler kwarg as the knob it means here."""
    src = col.source
    if key not in valid:
        col.unknown(src, at, key, valid)
    elif key == "start_factor":
        if col.checked(src, at, value, float) and value != 1:
            col.problems.add(src, at, f"must be 1 (schedules start at the full rate), got {value}")
    elif key == "eta_min":
        if col.checked(src, at, value, float) and isinstance(rate, int | float) and rate > 0:
            col.derive(at, "algorithm.lr_scheduler.min_factor", value / rate)
    else:
        hint = int if key in ("total_iters", "T_max", "step_size") else float
        col.set(src, at, f"algorithm.{table.LR_KWARG_FIELDS[key]}", value, hint)
