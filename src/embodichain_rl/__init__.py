"""embodichain_rl: a Hydra-composed RL experiment framework for embodied AI.

Python API: ``Trainer.from_overrides([...]).learn()``, ``Trainer.load(run_dir)``,
``load_policy(checkpoint)``; hooks in :mod:`embodichain_rl.callbacks`. The names below are
imported on first use, so ``import embodichain_rl.envs`` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Callback": "embodichain_rl.callbacks",
    "EarlyStopping": "embodichain_rl.callbacks",
    "EvalResult": "embodichain_rl.trainer",
    "InferencePolicy": "embodichain_rl.trainer",
    "TrainSummary": "embodichain_rl.trainer",
    "Trainer": "embodichain_rl.trainer",
    "load_policy": "embodichain_rl.trainer",
}
"""Public name -> the module that defines it."""

__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'embodichain_rl' has no attribute {name!r}")
