"""`embodichain-export checkpoint=PATH format=onnx|torchscript [out=FILE]`.

Writes the checkpoint policy's deterministic actor, observation normaliser baked in, next to
the checkpoint (``<checkpoint stem>.onnx`` / ``<checkpoint stem>.torchscript.pt``) or to
``out``. Env overrides (``env.KEY=VALUE``) apply as in ``embodichain-eval``.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import torch

from embodichain_rl.cli.kv_args import parse_kv_args
from embodichain_rl.export import EXPORT_FORMATS, export_policy
from embodichain_rl.trainer.checkpoint import CheckpointError
from embodichain_rl.trainer.restore import restore_policy

OPTIONS: dict[str, Any] = {"checkpoint": None, "format": "onnx", "out": None}
"""Options and defaults."""


def export_checkpoint(options: dict[str, Any], overrides: dict[str, Any]) -> Path:
    """Export the policy of ``options["checkpoint"]``; returns the written file."""
    fmt = str(options["format"])
    if not options["checkpoint"] or fmt not in EXPORT_FORMATS:
        raise SystemExit(
            "usage: embodichain-export checkpoint=PATH format=onnx|torchscript [out=FILE]"
        )
    restored = restore_policy(
        options["checkpoint"], device=torch.device("cpu"), num_envs=1, overrides=overrides
    )
    restored.env.close()
    suffix = EXPORT_FORMATS[fmt] if fmt == "onnx" else f".{fmt}{EXPORT_FORMATS[fmt]}"
    out = Path(options["out"]) if options["out"] else restored.path.with_suffix(suffix)
    return export_policy(restored.policy, restored.env.obs_dim, out, fmt)


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    options, overrides = parse_kv_args(sys.argv[1:] if argv is None else argv, OPTIONS)
    try:
        path = export_checkpoint(options, overrides)
    except (CheckpointError, ImportError) as error:
        raise SystemExit(f"embodichain-export: {error}") from error
    print(f"wrote {options['format']} actor: {path}")


if __name__ == "__main__":
    main()
