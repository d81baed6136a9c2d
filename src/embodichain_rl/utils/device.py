"""Choosing the run's one device."""

from __future__ import annotations

import logging

import torch

log = logging.getLogger(__name__)


def resolve_device(device: str = "auto", *, cuda: bool = True) -> torch.device:
    """Pick the run's device: an explicit ``device`` string wins; ``auto`` means CUDA when
    ``cuda`` is true and a GPU exists, else CPU (with a loud warning when CUDA was wanted)."""
    if device != "auto":
        resolved = torch.device(device)
        if resolved.type == "cuda" and not torch.cuda.is_available():
            raise RuntimeError(
                f"runtime.device={device!r} asks for CUDA but torch sees no GPU; "
                "use runtime.device=auto or cpu"
            )
        return resolved
    if cuda and torch.cuda.is_available():
        return torch.device("cuda")
    if cuda:
        log.warning("runtime.cuda=true but no CUDA device is available: FALLING BACK TO CPU")
    return torch.device("cpu")
