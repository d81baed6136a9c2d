"""``runtime.compile``: how the learner's hot functions run (eager, compiled, CUDA graphs)."""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Callable
from typing import TypeVar

import torch

COMPILE_MODES = ("none", "compile", "cudagraphs")
"""Valid ``runtime.compile`` values: ``none`` runs eager PyTorch (the reference);
``compile`` runs the rollout step and the minibatch update through ``torch.compile``
(fused kernels, any device); ``cudagraphs`` also replays them as CUDA graphs
(``torch.compile(mode="reduce-overhead")``), which needs a CUDA device."""

AUTO = "auto"
"""``runtime.compile=auto``: the trainer picks ``compile`` or ``none`` for the run (see
:mod:`embodichain_rl.trainer.compile_choice`)."""

RUNTIME_COMPILE_CHOICES = (AUTO, *COMPILE_MODES)
"""Valid values of the ``runtime.compile`` key."""

CPP_COMPILERS = ("g++", "c++", "clang++")
"""C++ compilers Inductor can build CPU kernels with (``$CXX`` first)."""

F = TypeVar("F", bound=Callable[..., object])


def compiler_problem(device: object) -> str | None:
    """Why ``torch.compile`` cannot build kernels for ``device`` here (one line), or None:
    on a CPU Inductor needs a C++ compiler (``$CXX``, g++, c++ or clang++ on ``PATH``); on
    CUDA it needs Triton, which needs a C compiler for its launcher."""
    kind = getattr(device, "type", str(device))
    if kind == "cuda":
        if importlib.util.find_spec("triton") is None:
            return "Triton is not installed (torch.compile on CUDA needs it)"
        if not any(shutil.which(c) for c in (os.environ.get("CC", ""), "gcc", "cc", "clang")):
            return "no C compiler found for Triton's launcher (set CC or install gcc)"
        return None
    candidates = (os.environ.get("CXX", ""), *CPP_COMPILERS)
    if not any(c and shutil.which(c) for c in candidates):
        return "no C++ compiler found for torch.compile on CPU (set CXX or install g++)"
    return None


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
