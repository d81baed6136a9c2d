"""Command-line input of the eval and export Hydra apps: checked before Hydra runs.

Hydra reports a typo or a wrong type in several lines with exit status 1; these apps check
every ``key=value`` against their schema first and answer one line naming the key (with a
did-you-mean) and exit status 2, before anything is written. ``env.KEY=VALUE`` is the free
``env`` mapping of the schema: it is passed to Hydra as ``++env.KEY=VALUE`` (add or
replace) and checked against the checkpoint's saved env config later, by the app.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import torch
from gymnasium.error import DependencyNotInstalled
from hydra._internal.utils import get_args_parser
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override
from hydra.errors import HydraException, InstantiationException
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from embodichain_rl.config.apps import require_checkpoint
from embodichain_rl.config.errors import ConfigError, did_you_mean
from embodichain_rl.trainer.checkpoint import CheckpointError

EXIT_BAD_INPUT = 2
"""Exit status for input the app cannot use (a bad key, value, checkpoint or device)."""

FREE_MAPPINGS = ("env",)
"""Schema fields that take any sub-key on the command line (``env.KEY=VALUE``)."""

BAD_INPUT_ERRORS: tuple[type[BaseException], ...] = (
    ConfigError,
    CheckpointError,
    InstantiationException,
    DependencyNotInstalled,
)
"""Errors an app reports as one line (exit 2) rather than as a traceback."""


T = TypeVar("T")


class UsageError(ValueError):
    """A command-line argument the app cannot use; the message is one line."""


def available_devices() -> list[str]:
    """Device names this machine can run on: ``auto``, ``cpu`` and each CUDA device."""
    names = ["auto", "cpu"]
    if torch.cuda.is_available():
        names += ["cuda", *(f"cuda:{i}" for i in range(torch.cuda.device_count()))]
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        names.append("mps")
    return names


def parse_device(name: str, *, key: str) -> torch.device:
    """``name`` as a usable torch device (``auto``: CUDA when available, else CPU); a
    :class:`UsageError` naming ``key`` and the available devices otherwise."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(name)
    except (RuntimeError, ValueError):
        device = None
    usable = device is not None and (
        device.type == "cpu"
        or (
            device.type == "cuda"
            and torch.cuda.is_available()
            and (device.index or 0) < torch.cuda.device_count()
        )
        or (device.type == "mps" and "mps" in available_devices())
    )
    if device is None or not usable:
        given = f"{key} {name}" if key.startswith("-") else f"{key}={name}"
        raise UsageError(
            f"{given}: not available on this machine; available: {', '.join(available_devices())}"
        )
    return device


def prepare_argv(argv: list[str], schema: type) -> list[str]:
    """Check every override in ``argv`` against ``schema`` (unknown keys, values of the
    wrong type or out of range, sweeps without ``-m``) and return ``argv`` with
    ``env.KEY=VALUE`` turned into ``++env.KEY=VALUE``; raises :class:`UsageError`."""
    args = get_args_parser().parse_args(argv)
    pending = list(args.overrides)
    rewritten: list[str] = []
    for arg in argv:
        if pending and arg == pending[0]:
            pending.pop(0)
            arg = _free_mapping_override(arg)
        rewritten.append(arg)
    try:
        overrides = OverridesParser.create().parse_overrides(
            [_free_mapping_override(arg) for arg in args.overrides]
        )
    except HydraException as error:
        raise UsageError(" ".join(str(error).split())) from error
    for override in overrides:
        _check_override(override, schema, multirun=bool(args.multirun))
    return rewritten


def _free_mapping_override(arg: str) -> str:
    if any(arg.startswith(f"{name}.") for name in FREE_MAPPINGS):
        return f"++{arg}"
    return arg


def _check_override(override: Override, schema: type, *, multirun: bool) -> None:
    key = override.key_or_group
    root = key.split(".")[0].split("/")[0]
    if root == "hydra" or root in FREE_MAPPINGS:
        return
    names = [item.name for item in dataclasses.fields(schema)]
    if root not in names:
        raise UsageError(
            f"unknown option {key!r}{did_you_mean(root, names)}; options: "
            f"{', '.join(names)} (env.KEY=VALUE for the checkpoint's env config)"
        )
    if key != root:
        raise UsageError(f"{root} takes a value, not sub-keys ({key!r})")
    if override.is_delete():
        return
    if override.is_sweep_override():
        if not multirun:
            raise UsageError(
                f"{override.input_line} is a sweep: add -m to run one job per value, "
                "or quote the value"
            )
        with contextlib.suppress(HydraException):  # interval sweeps are not enumerable
            for value in override.sweep_iterator():
                check_value(schema, key, value)
        return
    check_value(schema, key, override.value())


def check_value(schema: type, key: str, value: Any) -> None:
    """Raise :class:`UsageError` when ``schema`` field ``key`` cannot take ``value`` (its
    type, or a range its ``__post_init__`` checks)."""
    probe = OmegaConf.structured(schema)
    try:
        probe[key] = value
        if key != "checkpoint":
            probe.checkpoint = "-"
        OmegaConf.to_object(probe)
    except (OmegaConfBaseException, ValueError) as error:
        message = str(getattr(error, "msg", None) or error).strip().splitlines()[0]
        raise UsageError(f"{key}={value}: {message}") from error


def typed_options(cfg: DictConfig, schema: type[T]) -> T:
    """The composed app config as an instance of its ``schema`` dataclass; a
    :class:`ConfigError` when a required value (the checkpoint) is missing."""
    if "checkpoint" in OmegaConf.missing_keys(cfg):
        require_checkpoint("")
    options = OmegaConf.to_object(cfg)
    assert isinstance(options, schema)
    return options


@contextlib.contextmanager
def bad_input_exits(prog: str) -> Iterator[None]:
    """Turn bad input (:data:`BAD_INPUT_ERRORS`, :class:`UsageError`) raised inside into one
    line on stderr and exit status 2 (the traceback too with ``HYDRA_FULL_ERROR=1``)."""
    try:
        yield
    except (UsageError, *BAD_INPUT_ERRORS) as error:
        if os.environ.get("HYDRA_FULL_ERROR") == "1":
            raise
        print(f"{prog}: error: {describe(error)}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)


def describe(error: BaseException) -> str:
    """``error`` as one line; a failed ``_target_`` build shows the builder's own error."""
    cause = error.__cause__
    if isinstance(error, InstantiationException) and cause is not None:
        text = f"cannot build the env or policy: {type(cause).__name__}: {cause}"
    else:
        text = str(error)
    return " ".join(text.split())


def run_app(prog: str, schema: type, hydra_main: Callable[[], Any]) -> None:
    """Console entry point of a Hydra app: check ``sys.argv`` against ``schema``, then let
    Hydra compose and run ``hydra_main`` (``--help``, ``-m`` and ``--cfg`` as usual)."""
    with bad_input_exits(prog):
        sys.argv = [sys.argv[0], *prepare_argv(sys.argv[1:], schema)]
    hydra_main()
