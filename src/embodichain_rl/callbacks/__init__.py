"""Callbacks: hooks into the training loop (evaluation, checkpoints, videos, curves, early
stopping, and your own)."""

from __future__ import annotations

from embodichain_rl.callbacks.base import Callback, CallbackList
from embodichain_rl.callbacks.checkpointing import CheckpointCallback
from embodichain_rl.callbacks.early_stopping import EarlyStopping
from embodichain_rl.callbacks.evaluation import EvalCallback
from embodichain_rl.callbacks.media import CurvesCallback, VideoCallback

__all__ = [
    "Callback",
    "CallbackList",
    "CheckpointCallback",
    "CurvesCallback",
    "EarlyStopping",
    "EvalCallback",
    "VideoCallback",
]
