"""Periodic ``iter_NNNNNN.pt``, the rolling ``last.pt`` a crash resumes from, the final
``last.pt`` and, for a policy that can write one (the VLA), the final Hugging Face
directory ``pretrained/``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from embodichain_rl.callbacks.base import Callback

if TYPE_CHECKING:
    from embodichain_rl.trainer.trainer import Trainer

PRETRAINED_DIR = "pretrained"
"""Under ``checkpoints/``: the final policy as a ``from_pretrained`` directory (the VLA's
``policy.model_path`` takes it, e.g. to start RL from a behaviour-cloned model)."""


class CheckpointCallback(Callback):
    """Writes checkpoints on iteration counters; every file is whole (atomic) and holds
    everything an exact resume needs (see :meth:`Trainer.save_checkpoint`)."""

    def __init__(self, *, save_freq: int, last_freq: int) -> None:
        self.save_freq = save_freq
        """Keep ``iter_NNNNNN.pt`` every this many iterations (0: never)."""
        self.last_freq = last_freq
        """Refresh ``last.pt`` every this many iterations (0: only at the end)."""

    def on_iteration_end(self, trainer: Trainer, metrics: dict[str, float]) -> None:
        iteration = trainer.iteration
        if self.save_freq and iteration % self.save_freq == 0:
            trainer.save_checkpoint(f"iter_{iteration:06d}.pt")
        if self.last_freq and iteration % self.last_freq == 0:
            trainer.save_checkpoint("last.pt")

    def on_train_end(self, trainer: Trainer) -> None:
        trainer.save_checkpoint("last.pt")
        save_pretrained = getattr(trainer.policy, "save_pretrained", None)
        if save_pretrained is not None and trainer.is_main:
            save_pretrained(trainer.checkpoint_dir / PRETRAINED_DIR)
