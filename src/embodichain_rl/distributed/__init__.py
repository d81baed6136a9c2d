"""Data-parallel training under ``torchrun``: one process (rank) per device, every rank
steps its own envs, and the learner state is kept identical by explicit collectives.

:class:`DistributedContext` is passed explicitly to the components that synchronise (PPO,
the observation normaliser, the trainer); the single-process context makes every
collective a no-op. See ``docs/distributed.md``.
"""

from __future__ import annotations

from embodichain_rl.distributed.context import SINGLE_PROCESS, DistributedContext, rank_seed

__all__ = ["SINGLE_PROCESS", "DistributedContext", "rank_seed"]
