"""Check a train command line the way its job will, before Hydra writes anything.

A single run is composed with the same overrides and put through the trainer's own
:func:`~embodichain_rl.trainer.preflight.preflight` (schema, ranges, device, imports,
resumed checkpoint, run directory). A multirun checks every value of every swept key
(each with the first value of the other sweeps), so a bad value fails before the first job
starts. Command lines that change the primary config or ask Hydra for information
(``--help``, ``--cfg``, ``--config-name`` ...) are left to Hydra.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException

from embodichain_rl.config.compose import compose_config, split_hydra_node
from embodichain_rl.config.errors import ConfigError, describe_composition_error
from embodichain_rl.distributed.context import DistributedContext
from embodichain_rl.trainer.checkpoint import CheckpointError
from embodichain_rl.trainer.preflight import preflight
from embodichain_rl.trainer.run_dir import RunDirError

MULTIRUN_FLAGS = ("-m", "--multirun")
"""Flags that make the command a multirun."""

REFUSALS = (ConfigError, CheckpointError, RunDirError)
"""What the checks raise for bad input (one line each)."""


def _sweep_variants(overrides: list[str]) -> list[list[str]]:
    """One override list per swept value: that value, the other sweeps at their first."""
    parsed = OverridesParser.create().parse_overrides(overrides)
    swept = [i for i, o in enumerate(parsed) if o.is_sweep_override()]
    if not swept:
        return [overrides]
    firsts = {i: next(iter(parsed[i].sweep_string_iterator())) for i in swept}
    variants = []
    for i in swept:
        for value in parsed[i].sweep_string_iterator():
            chosen = {**firsts, i: value}
            variants.append(
                [
                    f"{parsed[j].get_key_element()}={chosen[j]}" if j in chosen else overrides[j]
                    for j in range(len(overrides))
                ]
            )
    return variants


@contextmanager
def _quiet() -> Iterator[None]:
    """Hold back log warnings (e.g. the CPU fallback): the job logs them once, properly;
    a refused command line prints only its ``error:`` line."""
    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(previous)


def check_command_line(args: list[str]) -> str | None:
    """The one-line problem with the train command line ``args``, or ``None``."""
    if os.environ.get("HYDRA_FULL_ERROR") == "1":
        return None
    flags = [a for a in args if a.startswith("-")]
    multirun = any(f in MULTIRUN_FLAGS for f in flags)
    if any(f not in MULTIRUN_FLAGS for f in flags):
        return None
    overrides = [a for a in args if not a.startswith("-")]
    try:
        variants = _sweep_variants(overrides) if multirun else [overrides]
    except HydraException as error:
        return describe_composition_error(error)
    is_main = DistributedContext.from_environ(os.environ).is_main
    with _quiet():
        return _check_variants(variants, multirun=multirun, is_main=is_main)


def _check_variants(variants: list[list[str]], *, multirun: bool, is_main: bool) -> str | None:
    """The first variant's one-line problem, or ``None`` when every variant passes."""
    for variant in variants:
        try:
            composed = compose_config(variant, with_hydra=True)
            multirun = multirun or str(composed.hydra.mode) == "RunMode.MULTIRUN"
            cfg, run_dir = split_hydra_node(composed)
            target = Path(run_dir) if run_dir and is_main and not multirun else None
            preflight(cfg, target, overrides=variant)
        except REFUSALS as error:
            return str(error)
    return None
