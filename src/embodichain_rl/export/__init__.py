"""Deployable policy files: the deterministic actor as ONNX or TorchScript."""

from embodichain_rl.export.actor import (
    EXPORT_FORMATS,
    DeterministicActor,
    export_policy,
)

__all__ = ["EXPORT_FORMATS", "DeterministicActor", "export_policy"]
