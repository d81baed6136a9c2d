"""The training loop and what surrounds it: evaluation, checkpoints, logging, resume.

``run(cfg, run_dir)`` in :mod:`embodichain_rl.trainer.run` is the whole job behind
``embodichain-train``.
"""

from __future__ import annotations

from embodichain_rl.trainer.evaluator import EvalResult, Evaluator
from embodichain_rl.trainer.trainer import Trainer, TrainerSettings, TrainSummary

__all__ = ["EvalResult", "Evaluator", "TrainSummary", "Trainer", "TrainerSettings"]
