"""``runtime.compile``: how the learner's hot functions run (eager, compiled, CUDA graphs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import torch

COMPILE_MODES = ("none", "compile", "cudagraphs")
"""Valid ``runtime.compile`` values: ``none`` runs eager PyTorch (the reference);
``compile`` runs the rollout step and the minibatch update through ``torch.compile``
(fused kernels, any device); ``cudagraphs`` also replays them as CUDA graphs
(``torch.compile(mode="reduce-overhead")``), which needs a CUDA device."""

F = TypeVar("F", bound=Callable[..., object])


def check_compile_mode(mode: str, device: torch.device) -> None:
    """Raise ``ValueError`` naming ``runtime.compile`` when ``mode`` is unknown or cannot
    run on ``device``."""
    if mode not in COMPILE_MODES:
        raise ValueError(f"runtime.compile must be one of {list(COMPILE_MODES)}, got {mode!r}")
    if mode == "cudagraphs" and device.type != "cuda":
        raise ValueError(
            f"runtime.compile=cudagraphs needs a CUDA device but the run is on {device}; "
            "use runtime.compile=compile (any device) or none"
        )


def compile_for(fn: F, mode: str) -> F:
    """``fn`` as ``mode`` runs it: unchanged for ``none``, else wrapped by ``torch.compile``
    (compiled lazily, on the first call). Shapes are static: a run has one ``num_envs`` and
    one minibatch size, so each new size compiles its own specialised kernels rather than
    switching every later call to slower shape-generic ones."""
    if mode == "none":
        return fn
    if mode == "compile":
        return torch.compile(fn, dynamic=False)  # type: ignore[return-value]
    if mode == "cudagraphs":
        return torch.compile(fn, mode="reduce-overhead", dynamic=False)  # type: ignore[return-value]
    raise ValueError(f"runtime.compile must be one of {list(COMPILE_MODES)}, got {mode!r}")
