"""Export ``policy.act_deterministic`` (observation normaliser included) to a file.

The exported graph maps raw float32 observations ``[B, obs_dim]`` to actions
``[B, action_dim]`` exactly as the policy does; like the policy it does not clip actions
(envs clip to their action space). A dict-observation policy is exported with one input per
observation key the actor reads, in the env's key order and under the key's name (camera
images ``uint8 [B, C, H, W]``, vectors float32 ``[B, D]``; a critic-only key such as
``privileged`` is not an input).
"""

from __future__ import annotations

import copy
import logging
import warnings
from pathlib import Path

import torch
from torch import nn

from embodichain_rl.policies import Policy
from embodichain_rl.utils.observations import ObservationLayout, allocate_observation

log = logging.getLogger(__name__)

EXPORT_FORMATS = {"onnx": ".onnx", "torchscript": ".pt"}
"""Supported formats and their file suffixes."""

ONNX_OPSET = 17
"""ONNX opset of exported graphs (supported by onnxruntime >= 1.14)."""


class DeterministicActor(nn.Module):
    """``obs -> policy.act_deterministic(obs)`` on a frozen, eval-mode CPU copy of
    ``policy`` (the given policy keeps its device, gradients and training mode)."""

    def __init__(self, policy: Policy, keys: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.policy = copy.deepcopy(policy).cpu().eval()
        for parameter in self.policy.parameters():
            parameter.requires_grad_(False)
        self.keys = keys
        """The observation keys of a dict-observation policy, one positional input each
        (empty: one flat observation tensor)."""

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        if not self.keys:
            return self.policy.act_deterministic(inputs[0])
        return self.policy.act_deterministic(dict(zip(self.keys, inputs, strict=True)))


def export_policy(policy: Policy, obs_dim: ObservationLayout, path: Path, fmt: str) -> Path:
    """Write the deterministic actor of ``policy`` (a CPU copy; ``policy`` itself is left
    as it was) to ``path`` in ``fmt`` (``onnx`` or ``torchscript``), with a dynamic batch
    dimension; returns ``path``. ``obs_dim``: the flat observation length, or a dict env's
    single ``Dict`` observation space (one input per key)."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {list(EXPORT_FORMATS)}")
    observation = allocate_observation(obs_dim, (2,), "cpu")
    if isinstance(observation, dict):  # the keys the actor reads, in the env's order
        reads = policy.acting_observation_keys() or list(observation)
        observation = {key: value for key, value in observation.items() if key in reads}
    keys = tuple(observation) if isinstance(observation, dict) else ()
    actor = DeterministicActor(policy, keys)
    example = tuple(observation.values()) if isinstance(observation, dict) else (observation,)
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
            _export_onnx(actor, example, keys or ("obs",), path)
    log.info("exported %s actor (inputs %s) -> %s", fmt, list(keys or ("obs",)), path)
    return path


def _export_onnx(
    actor: nn.Module, example: tuple[torch.Tensor, ...], names: tuple[str, ...], path: Path
) -> None:
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
            example,
            str(path),
            input_names=list(names),
            output_names=["action"],
            dynamic_axes={**{name: {0: "batch"} for name in names}, "action": {0: "batch"}},
            opset_version=ONNX_OPSET,
            dynamo=False,
        )
    onnx.checker.check_model(onnx.load(str(path)))
