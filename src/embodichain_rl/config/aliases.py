"""Keys that moved out of ``runtime`` (the seed's grab bag) and where they live now.

EmbodiChain's ``runtime`` held evaluation, checkpointing and logging settings; here they
have their own sections. The old dotted keys stay accepted on the command line, in
:meth:`Trainer.from_overrides` and in legacy JSON: they are rewritten to the new ones."""

from __future__ import annotations

import typing
from collections.abc import Iterable
from typing import Any

MOVED_RUNTIME_KEYS: dict[str, str] = {
    "runtime.eval_freq": "eval.freq",
    "runtime.eval_envs": "eval.num_envs",
    "runtime.video_freq": "eval.video_freq",
    "runtime.save_freq": "checkpoint.save_freq",
    "runtime.use_wandb": "logging.use_wandb",
    "runtime.wandb_project_name": "logging.wandb_project_name",
    "runtime.wandb_mode": "logging.wandb_mode",
    "runtime.log_dense": "logging.log_dense",
    "runtime.progress_bar": "logging.progress_bar",
}
"""Old ``runtime.*`` key -> its key now."""


def _rewrite(override: str) -> str:
    key, sep, value = override.partition("=")
    prefix = key[: len(key) - len(key.lstrip("+~"))]
    new = MOVED_RUNTIME_KEYS.get(key[len(prefix) :])
    return f"{prefix}{new}{sep}{value}" if new else override


def rewrite_moved_keys(overrides: Iterable[str]) -> list[str]:
    """``overrides`` with every moved ``runtime.*`` key replaced by its new key."""
    return [_rewrite(override) for override in overrides]


def move_runtime_keys(config: dict) -> dict:
    """A saved (plain) config with moved ``runtime`` keys put into their new sections, for
    checkpoints written before the split; returns ``config`` itself, changed in place."""
    runtime = config.get("runtime")
    if not isinstance(runtime, dict):
        return config
    for old, new in MOVED_RUNTIME_KEYS.items():
        name = old.split(".", 1)[1]
        if name in runtime:
            section, key = new.split(".", 1)
            config.setdefault(section, {}).setdefault(key, runtime.pop(name))
    return config


def moved_runtime_types() -> dict[str, tuple[str, Any]]:
    """Old ``runtime`` field name -> ``(new dotted key, its type)``, for legacy files."""
    from embodichain_rl.config.schema import TrainConfig

    sections = typing.get_type_hints(TrainConfig)
    moved: dict[str, tuple[str, Any]] = {}
    for old, new in MOVED_RUNTIME_KEYS.items():
        section, key = new.split(".", 1)
        moved[old.split(".", 1)[1]] = (new, typing.get_type_hints(sections[section])[key])
    return moved
