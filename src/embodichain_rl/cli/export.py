"""``embodichain-export checkpoint=PATH format=onnx|torchscript [out=FILE] [env.KEY=VALUE ...]``.

A Hydra app (``conf/export.yaml``, schema
:class:`~embodichain_rl.config.apps.ExportAppConfig`): writes the checkpoint policy's
deterministic actor, observation normaliser baked in, next to the checkpoint
(``<stem>.onnx`` / ``<stem>.torchscript.pt``) or to ``out``. Hydra itself writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import hydra
import torch
from omegaconf import DictConfig

from embodichain_rl.cli.app_args import bad_input_exits, run_app, typed_options
from embodichain_rl.config.apps import (
    ExportAppConfig,
    ExportFormat,
    env_overrides,
    register_app_configs,
    require_checkpoint,
)
from embodichain_rl.config.errors import ConfigError
from embodichain_rl.export import EXPORT_FORMATS, export_policy
from embodichain_rl.trainer.checkpoint import load_checkpoint, resolve_checkpoint
from embodichain_rl.trainer.restore import restore_policy
from embodichain_rl.utils.observations import observation_layout

PROG = "embodichain-export"


def default_out_file(checkpoint: Path, fmt: ExportFormat) -> Path:
    """``<stem>.onnx`` or ``<stem>.torchscript.pt`` next to ``checkpoint``."""
    suffix = EXPORT_FORMATS[fmt.value]
    if fmt is ExportFormat.torchscript:
        suffix = f".{fmt.value}{suffix}"
    return checkpoint.with_suffix(suffix)


def export_checkpoint(options: ExportAppConfig) -> Path:
    """Export the policy of ``options.checkpoint``; returns the written file. Raises
    ``ConfigError`` / ``CheckpointError`` on bad input, ``ImportError`` without onnx."""
    fmt = ExportFormat(options.format)
    path = resolve_checkpoint(require_checkpoint(options.checkpoint))
    saved = load_checkpoint(path).get("config") or {}
    overrides = env_overrides(saved.get("env", {}), options.env)
    restored = restore_policy(path, device=torch.device("cpu"), num_envs=1, overrides=overrides)
    restored.env.close()
    out = Path(options.out) if options.out else default_out_file(restored.path, fmt)
    return export_policy(restored.policy, observation_layout(restored.env), out, fmt.value)


register_app_configs()


@hydra.main(version_base="1.3", config_path="pkg://embodichain_rl.conf", config_name="export")
def export_app(cfg: DictConfig) -> None:
    """Export with the composed config."""
    with bad_input_exits(PROG):
        options = typed_options(cfg, ExportAppConfig)
        try:
            path = export_checkpoint(options)
        except ImportError as error:
            raise ConfigError(str(error)) from error
    print(f"wrote {options.format.value} actor: {path}")


def main() -> None:
    """Console entry point."""
    run_app(PROG, ExportAppConfig, export_app)


if __name__ == "__main__":
    main()
