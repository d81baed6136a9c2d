"""Whether the engine ``env.backend`` names is installed and can use the run's device."""

from __future__ import annotations

import importlib.util
from typing import Any

import torch

MUJOCO_EXTRA = "pip install 'embodichain-rl[mujoco]'"


def quiet_warp() -> Any:
    """``warp``, imported with its banner and per-module build lines off (warnings stay)."""
    import warp as wp

    wp.config.quiet = True
    if hasattr(wp, "LOG_WARNING"):
        wp.config.log_level = wp.LOG_WARNING
    return wp


def engine_problem(backend: str, device: torch.device | str) -> str | None:
    """One line saying why ``backend`` cannot run on ``device``, or ``None`` when it can."""
    device = torch.device(device)
    if importlib.util.find_spec("mujoco") is None:
        return f"env=push_cube_mujoco needs the mujoco package: {MUJOCO_EXTRA}"
    if backend != "mujoco_warp":
        return None
    if importlib.util.find_spec("mujoco_warp") is None or importlib.util.find_spec("warp") is None:
        return (
            "env.backend=mujoco_warp needs the mujoco_warp package (Python >= 3.11): "
            f"{MUJOCO_EXTRA}, or use env.backend=mujoco"
        )
    if device.type not in ("cpu", "cuda"):
        return (
            f"env.backend=mujoco_warp runs on cpu or cuda, not {device}; "
            "use runtime.device=cpu|cuda or env.backend=mujoco"
        )
    if device.type == "cuda":
        wp = quiet_warp()
        wp.init()
        if not wp.is_cuda_available():
            return (
                f"env.backend=mujoco_warp: Warp finds no CUDA device for runtime.device={device} "
                "(check the NVIDIA driver, or use runtime.device=cpu)"
            )
    return None
