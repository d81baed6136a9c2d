"""The ``trainer`` keys of EmbodiChain's newest release (2026-08): rollout length, evaluation,
checkpoint cadence and the differentiable (APG) trainer's segments.

That release's trainers count ``eval_freq`` and ``save_freq`` in env steps (``global_step``
grows by ``num_envs`` per vector step; an evaluation runs at the first iteration whose
``global_step`` reaches the next multiple). Here both count iterations, so a step count
``f`` becomes ``ceil(f / (num_envs * steps per iteration))``: never more often than the file
asked, exactly as often when ``f`` is a multiple of an iteration's steps.
"""

from __future__ import annotations

import math
from typing import Any

from embodichain_rl.config.legacy import mapping as table
from embodichain_rl.config.legacy.collect import Collector, Item, schema_default
from embodichain_rl.config.legacy.names import PUSH_CUBE_OPTION
from embodichain_rl.config.runtime import RuntimeConfig
from embodichain_rl.config.schema import GROUP_SCHEMAS

DEFERRED = (*table.HEAD_TRAINER_KEYS, "eval_freq", "save_freq")
"""Trainer keys a newest-release trainer translates after the env and algorithm are known
(``num_envs`` is set at once: it must be there before a gym file's own ``num_envs``)."""

APG_SEGMENT_FIELD = "horizon"
"""The algorithm field that marks a differentiable (APG) algorithm: its segment length."""


def is_head_trainer(trainer: dict[str, Any]) -> bool:
    """Whether a ``trainer`` section uses the newest release's keys (and so its meanings)."""
    return any(key in trainer for key in (*table.HEAD_TRAINER_KEYS, "learning_env"))


def steps_to_iterations(steps: int, steps_per_iteration: int) -> int:
    """An env-step cadence as an iteration cadence (0 stays 0: never periodically)."""
    return 0 if steps <= 0 else max(1, math.ceil(steps / steps_per_iteration))


def translate_head(
    col: Collector, items: dict[str, Item], algorithm_fields: dict[str, Any]
) -> None:
    """Translate the deferred newest-release ``trainer`` keys (``items`` by key)."""
    checked: dict[str, Item] = {}
    for key, item in items.items():
        hint = table.HEAD_TRAINER_TYPES.get(key, int)
        if col.checked(col.source, item[2], item[1], hint):
            checked[key] = item
    apg = APG_SEGMENT_FIELD in algorithm_fields
    skip = (*table.IGNORED_HEAD_TRAINER, *(table.APG_IGNORED_TRAINER if apg else ()))
    skip += () if apg else table.APG_ONLY_TRAINER
    for key in [key for key in checked if key in skip]:
        col.ignore(col.source, checked.pop(key)[2])
    if apg:
        _segments(col, checked)
    elif "buffer_size" in checked:
        _, value, at = checked["buffer_size"]
        col.set(col.source, at, "runtime.rollout_steps", value, int)
    _evaluation(col, checked)
    if "save_freq" in checked:
        _, value, at = checked["save_freq"]
        col.derive(at, "checkpoint.save_freq", steps_to_iterations(value, _iteration_steps(col)))


def _segments(col: Collector, items: dict[str, Item]) -> None:
    """APG: ``update_horizon`` steps per update (default: ``segment_length``), cut into
    ``segment_length`` segments; ``save_frequency_updates`` counts updates (iterations)."""
    horizon = items.get("update_horizon") or items.get("segment_length")
    if horizon is not None:
        col.derive(horizon[2], "runtime.rollout_steps", horizon[1])
    if "segment_length" in items:
        _, value, at = items["segment_length"]
        col.derive(at, f"algorithm.{APG_SEGMENT_FIELD}", value)
    if "save_frequency_updates" in items:
        _, value, at = items["save_frequency_updates"]
        col.derive(at, "checkpoint.save_freq", value)


def _evaluation(col: Collector, items: dict[str, Item]) -> None:
    """``enable_eval`` (absent: false, EmbodiChain's default), ``eval_freq`` in env steps,
    ``num_eval_episodes``, ``eval_seed``, ``best_eval_metric`` / ``best_eval_mode``."""
    enabled = items.get("enable_eval", ("enable_eval", False, "trainer.enable_eval"))
    if not enabled[1]:
        col.derive(enabled[2], "eval.freq", 0)
        if "eval_freq" in items:
            col.ignore(col.source, items.pop("eval_freq")[2])
    if "eval_freq" in items:
        _, value, at = items["eval_freq"]
        col.derive(at, "eval.freq", steps_to_iterations(value, _iteration_steps(col)))
    if "num_eval_episodes" in items:
        _, value, at = items["num_eval_episodes"]
        col.set(col.source, at, "eval.num_envs", value, int)
    if "eval_seed" in items:
        _, value, at = items["eval_seed"]
        seed = col.result.values.get("runtime.seed", schema_default(RuntimeConfig, "seed"))
        if value < seed:
            col.problems.add(col.source, at, f"must be >= trainer.seed ({seed}), got {value}")
        else:
            col.derive(at, "eval.seed_offset", value - seed)
    if "best_eval_metric" in items:
        _, value, at = items["best_eval_metric"]
        if value in table.BEST_EVAL_METRICS:
            col.derive(at, "eval.best_metric", table.BEST_EVAL_METRICS[value])
        else:
            valid = ", ".join(table.BEST_EVAL_METRICS)
            col.problems.add(col.source, at, f"unknown metric {value!r}; valid: {valid}")
    if "best_eval_mode" in items:
        _, value, at = items["best_eval_mode"]
        col.set(col.source, at, "eval.best_mode", value, str)


def _iteration_steps(col: Collector) -> int:
    """Env steps of one iteration as the file sets it (num_envs x rollout steps; what the
    file leaves out takes the default of the env option / ``runtime``)."""
    values = col.result.values
    option = col.result.choices.get("env", PUSH_CUBE_OPTION)
    num_envs = values.get("env.num_envs", schema_default(GROUP_SCHEMAS["env"][option], "num_envs"))
    steps = values.get("runtime.rollout_steps", schema_default(RuntimeConfig, "rollout_steps"))
    return max(1, int(num_envs) * int(steps))
