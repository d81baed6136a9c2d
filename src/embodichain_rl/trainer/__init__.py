"""The composition root and the training loop: ``Trainer`` builds a run from a config and
drives it; evaluation, checkpoints, logging and resume surround it."""

from __future__ import annotations

from embodichain_rl.trainer.evaluator import EvalResult, Evaluator
from embodichain_rl.trainer.inference import InferencePolicy, load_policy
from embodichain_rl.trainer.summary import TrainSummary
from embodichain_rl.trainer.trainer import Trainer

__all__ = [
    "EvalResult",
    "Evaluator",
    "InferencePolicy",
    "TrainSummary",
    "Trainer",
    "load_policy",
]
