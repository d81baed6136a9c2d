"""Export ``policy.act_deterministic`` (observation normaliser included) to a file.

The exported graph maps raw float32 observations ``[B, obs_dim]`` to actions
``[B, action_dim]`` exactly as the policy does; like the policy it does not clip actions
(envs clip to their action space).
"""

from __future__ import annotations

import copy
import logging
import warnings
from pathlib import Path

import torch
from torch import nn

from embodichain_rl.policies import Policy

log = logging.getLogger(__name__)

EXPORT_FORMATS = {"onnx": ".onnx", "torchscript": ".pt"}
"""Supported formats and their file suffixes."""

ONNX_OPSET = 17
"""ONNX opset of exported graphs (supported by onnxruntime >= 1.14)."""


class DeterministicActor(nn.Module):
    """``obs -> policy.act_deterministic(obs)`` on a frozen, eval-mode CPU copy of
    ``policy`` (the given policy keeps its device, gradients and training mode)."""

    def __init__(self, policy: Policy) -> None:
        super().__init__()
        self.policy = copy.deepcopy(policy).cpu().eval()
        for parameter in self.policy.parameters():
            parameter.requires_grad_(False)

    def forward(self, obs: torch.Tensor) -> torch.Tensor:
        return self.policy.act_deterministic(obs)


def export_policy(policy: Policy, obs_dim: int, path: Path, fmt: str) -> Path:
    """Write the deterministic actor of ``policy`` (a CPU copy; ``policy`` itself is left
    as it was) to ``path`` in ``fmt`` (``onnx`` or ``torchscript``), with a dynamic batch
    dimension; returns ``path``."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {list(EXPORT_FORMATS)}")
    actor = DeterministicActor(policy)
    example = torch.zeros(2, obs_dim, dtype=torch.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        if fmt == "torchscript":
            with warnings.catch_warnings():
                # torch 2.10+ marks torch.jit deprecated; TorchScript files are still what
                # libtorch (C++) deployments load, so the format stays on offer.
                warnings.simplefilter("ignore", DeprecationWarning)
                traced = torch.jit.trace(actor, example)
                torch.jit.save(traced, str(path))
        else:
            _export_onnx(actor, example, path)
    log.info("exported %s actor (obs_dim=%d) -> %s", fmt, obs_dim, path)
    return path


def _export_onnx(actor: nn.Module, example: torch.Tensor, path: Path) -> None:
    try:
        import onnx
    except ImportError as error:
        raise ImportError(
            "ONNX export needs the [export] extra: pip install 'embodichain-rl[export]'"
        ) from error
    with warnings.catch_warnings():
        # The TorchScript-based exporter handles these small MLP graphs without the extra
        # onnxscript dependency the torch.export-based one needs.
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(
            actor,
            (example,),
            str(path),
            input_names=["obs"],
            output_names=["action"],
            dynamic_axes={"obs": {0: "batch"}, "action": {0: "batch"}},
            opset_version=ONNX_OPSET,
            dynamo=False,
        )
    onnx.checker.check_model(onnx.load(str(path)))
