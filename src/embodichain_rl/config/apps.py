"""Schemas of the ``embodichain-eval`` and ``embodichain-export`` Hydra apps.

Every default lives here, once: ``conf/eval.yaml`` and ``conf/export.yaml`` hold only
Hydra's own settings. Both apps rebuild env and policy from the config saved in a
checkpoint; their ``env`` field is a free-form mapping merged key by key into that saved
env config (``env.control_mode=ee_delta_pos`` on the command line), checked against it.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import itertools
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import torch
from hydra.core.config_store import ConfigStore
from omegaconf import MISSING

from embodichain_rl.config.errors import ConfigError, did_you_mean

HELD_OUT_SEED_OFFSET = 20_000
"""``embodichain-eval`` seeds its envs with ``runtime.seed + HELD_OUT_SEED_OFFSET`` unless
given a seed: held out from the training evaluation (``runtime.seed + 10000``), whose
episodes chose ``best.pt`` and so score it in-sample."""

TRAIN_EVAL_SEED_OFFSET = 10_000
"""Offset of the training evaluation's seed for checkpoints whose config names none
(``eval.seed_offset``)."""

RESERVED_ENV_KEYS = {"num_envs": "the app sets it (eval: num_episodes, export: 1)"}
"""Saved env keys the apps set themselves; overriding them is refused with the reason."""


class ExportFormat(str, Enum):
    """File formats ``embodichain-export`` writes."""

    onnx = "onnx"
    torchscript = "torchscript"


def _check_device(name: str) -> list[str]:
    if name == "auto":
        return []
    try:
        torch.device(name)
    except (RuntimeError, ValueError):
        return [f"device={name!r} is not a torch device; use auto, cpu, cuda or cuda:N"]
    return []


@dataclass
class EvalAppConfig:
    """``embodichain-eval``: score a checkpoint on deterministic, seeded episodes."""

    checkpoint: str = MISSING
    """Checkpoint file (``.pt``) or run directory (its ``checkpoints/last.pt``)."""
    num_episodes: int = 100
    """Episodes to score, one per env, run as one batch; >= 1."""
    seed: int | None = None
    """Seed of the eval envs (>= 0); null: held-out seeds, ``runtime.seed + 20000``, not the
    training evaluation's ``runtime.seed + 10000`` that chose ``best.pt``."""
    video: bool = False
    """Also write ``eval.gif``, an animated GIF of the first ``video_episodes`` episodes."""
    video_episodes: int = 3
    """Episodes played one after another in the GIF; >= 1 (at most ``num_episodes``)."""
    device: str = "auto"
    """Torch device: ``auto`` (CUDA when available, else CPU), ``cpu``, ``cuda``, ``cuda:N``."""
    out: str | None = None
    """Directory of ``eval.json`` (and ``eval.gif``); null: ``<run dir>/eval/<checkpoint
    stem>/``. In a multirun each job adds a subdirectory named by its other overrides."""
    env: dict[str, Any] = field(default_factory=dict)
    """Overrides of the checkpoint's saved env config, merged key by key
    (``env.control_mode=ee_delta_pos``); every top-level key must exist there."""

    def __post_init__(self) -> None:
        problems = [
            f"{name} must be >= 1, got {getattr(self, name)}"
            for name in ("num_episodes", "video_episodes")
            if getattr(self, name) < 1
        ]
        if self.seed is not None and self.seed < 0:
            problems.append(f"seed must be >= 0 or null, got {self.seed}")
        problems += _check_device(self.device)
        if problems:
            raise ConfigError("; ".join(problems))


@dataclass
class ExportAppConfig:
    """``embodichain-export``: write a checkpoint's deterministic actor as a deployable file."""

    checkpoint: str = MISSING
    """Checkpoint file (``.pt``) or run directory (its ``checkpoints/last.pt``)."""
    format: ExportFormat = ExportFormat.onnx
    """``onnx`` (needs the ``[export]`` extra) or ``torchscript``."""
    out: str | None = None
    """Output file; null: next to the checkpoint, ``<stem>.onnx`` or ``<stem>.torchscript.pt``."""
    env: dict[str, Any] = field(default_factory=dict)
    """Overrides of the checkpoint's saved env config, merged key by key (they can change
    the observation size, e.g. ``env.control_mode``); every top-level key must exist there."""

    def __post_init__(self) -> None:
        self.format = ExportFormat(self.format)


def require_checkpoint(value: str) -> str:
    """``value`` when it names a checkpoint, else a :class:`ConfigError` saying how to."""
    if value in ("", MISSING):
        raise ConfigError("checkpoint is required: checkpoint=PATH (a .pt file or a run dir)")
    return value


APP_SCHEMAS: dict[str, type] = {"eval": EvalAppConfig, "export": ExportAppConfig}
"""Schema of each app, by its primary config name (``conf/<name>.yaml``)."""


def env_overrides(saved_env: Mapping[str, Any], env: Mapping[str, Any]) -> dict[str, Any]:
    """Dotted overrides (``{"env.control_mode": ...}``, nested mappings flattened to their
    leaves) for ``restore_policy``, after checking every top-level key of ``env`` against
    the checkpoint's ``saved_env`` config; raises :class:`ConfigError` naming a bad key."""
    valid = [str(key) for key in saved_env if str(key) != "_target_"]
    for key in env:
        if key in RESERVED_ENV_KEYS:
            raise ConfigError(f"env.{key} cannot be overridden: {RESERVED_ENV_KEYS[key]}")
        if key not in valid:
            raise ConfigError(
                f"env.{key}: not a key of the checkpoint's env config"
                f"{did_you_mean(str(key), valid)}; its keys: {', '.join(valid)}"
            )
    return _flatten(env, "env")


def _flatten(mapping: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in mapping.items():
        dotted = f"{prefix}.{key}"
        if isinstance(value, Mapping) and value:
            flat.update(_flatten(value, dotted))
        else:
            flat[dotted] = value
    return flat


def field_docs(schema: type) -> dict[str, str]:
    """The one-line docstring under each field of the dataclass ``schema`` (its source)."""
    (tree,) = ast.parse(inspect.getsource(schema).lstrip()).body
    assert isinstance(tree, ast.ClassDef)
    docs: dict[str, str] = {}
    body = tree.body
    for node, after in itertools.pairwise(body):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            docs[node.target.id] = " ".join(after.value.value.replace("``", "").split())
    return docs


def _default_text(item: dataclasses.Field[Any]) -> str:
    if item.default_factory is not dataclasses.MISSING:
        value: Any = item.default_factory()
    else:
        value = item.default
    if value == MISSING:
        return "required"
    if isinstance(value, Enum):
        return str(value.value)
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    return str(value)


def options_help(schema: type) -> str:
    """Every option of ``schema`` with its default and documentation, one per line."""
    docs = field_docs(schema)
    rows = [
        textwrap.fill(
            f"{item.name:<15} [{_default_text(item)}] {docs.get(item.name, '')}",
            width=92,
            initial_indent="  ",
            subsequent_indent=" " * 18,
        )
        for item in dataclasses.fields(schema)
    ]
    return "\n".join(rows).replace("$", "$$")


def _help_node(prog: str, schema: type) -> dict[str, Any]:
    summary = " ".join((schema.__doc__ or "").replace("``", "").split())
    usage = (
        f"usage: {prog} checkpoint=PATH [OPTION=VALUE ...] [env.KEY=VALUE ...]\n"
        f"       {prog} -m checkpoint=A.pt,B.pt [OPTION=V1,V2 ...]   (one job per combination)"
    )
    template = (
        "${hydra.help.header}\n\n"
        f"{usage}\n\n== Options (OPTION=VALUE) [default] ==\n{options_help(schema)}\n\n"
        "== Composed config ==\n$CONFIG\n${hydra.help.footer}\n"
    )
    return {
        "app_name": prog,
        "header": summary,
        "footer": "Hydra's own flags (-m, --cfg job, --info ...): --hydra-help",
        "template": template,
    }


APP_LOGGING: dict[str, Any] = {
    "version": 1,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"level": "WARNING", "handlers": ["console"]},
    "loggers": {"hydra": {"level": "INFO"}},
    "disable_existing_loggers": False,
}
"""``hydra/job_logging=embodichain_app``: warnings to stderr, no log file (the app prints
its own report; Hydra's multirun progress stays visible)."""


def register_app_configs() -> None:
    """Store the app schemas (``eval_schema``, ``export_schema``), their ``--help`` pages
    (``hydra/help`` options ``embodichain_eval``, ``embodichain_export``) and their logging
    (``hydra/job_logging`` option ``embodichain_app``); idempotent."""
    store = ConfigStore.instance()
    store.store(group="hydra/job_logging", name="embodichain_app", node=APP_LOGGING)
    for name, schema in APP_SCHEMAS.items():
        store.store(name=f"{name}_schema", node=schema)
        prog = f"embodichain-{name}"
        store.store(group="hydra/help", name=prog.replace("-", "_"), node=_help_node(prog, schema))
