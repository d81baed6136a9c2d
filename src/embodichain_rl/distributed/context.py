"""``DistributedContext``: who this process is among the ranks, and the collectives."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
import torch.distributed as dist
from torch import nn

RANK_SEED_STRIDE = 1_000_000
"""Seed offset between ranks: rank ``r`` seeds its envs and torch with
``seed + r * RANK_SEED_STRIDE`` (rank 0 keeps the run's seed)."""


def rank_seed(seed: int, rank: int) -> int:
    """The seed of rank ``rank``'s envs and random streams in a run seeded with ``seed``."""
    return seed + rank * RANK_SEED_STRIDE


class DistributedContext:
    """This process's place in a data-parallel job, plus the collectives the learner uses.

    With ``world_size == 1`` every method returns its input untouched and never touches
    ``torch.distributed``, so single-process code runs the same calls at no cost. With more
    ranks the process group must already be initialised (see
    :func:`embodichain_rl.distributed.launch.distributed_job`). A plain class rather than a
    dataclass, so ``hydra.utils.instantiate`` passes it through as an object.
    """

    def __init__(
        self,
        *,
        rank: int = 0,
        world_size: int = 1,
        local_rank: int = 0,
        device: torch.device | None = None,
    ) -> None:
        self.rank = rank
        """Global rank of this process, in ``[0, world_size)``; rank 0 is the main rank."""
        self.world_size = world_size
        """Number of processes in the job."""
        self.local_rank = local_rank
        """Rank among the processes on this machine (picks the GPU ``cuda:local_rank``)."""
        self.device = device
        """The device this rank trains on (``None`` in a single process: the run decides)."""

    def __repr__(self) -> str:
        return (
            f"DistributedContext(rank={self.rank}, world_size={self.world_size}, "
            f"local_rank={self.local_rank}, device={self.device})"
        )

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> DistributedContext:
        """Rank, world size and local rank from the variables ``torchrun`` sets (a single
        process when they are absent)."""
        world_size = int(environ.get("WORLD_SIZE", "1"))
        rank = int(environ.get("RANK", "0"))
        local_rank = int(environ.get("LOCAL_RANK", str(rank)))
        if world_size < 1 or not 0 <= rank < world_size:
            raise ValueError(f"invalid torchrun environment: RANK={rank}, WORLD_SIZE={world_size}")
        return cls(rank=rank, world_size=world_size, local_rank=local_rank)

    @property
    def enabled(self) -> bool:
        """Whether there is more than one rank (collectives actually communicate)."""
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        """Whether this is rank 0, the only rank that logs, evaluates and writes files."""
        return self.rank == 0

    def all_reduce_sum_(self, tensor: torch.Tensor) -> torch.Tensor:
        """Sum ``tensor`` over the ranks in place; returns it."""
        if self.enabled:
            dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
        return tensor

    def all_reduce_mean_(self, tensor: torch.Tensor) -> torch.Tensor:
        """Average ``tensor`` (floating point) over the ranks in place; returns it."""
        if self.enabled:
            dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
            tensor.div_(self.world_size)
        return tensor

    def all_gather(self, tensor: torch.Tensor) -> torch.Tensor:
        """``[world_size, *tensor.shape]``: every rank's ``tensor``, in rank order."""
        if not self.enabled:
            return tensor.unsqueeze(0)
        parts = [torch.empty_like(tensor) for _ in range(self.world_size)]
        dist.all_gather(parts, tensor.contiguous())
        return torch.stack(parts)

    def broadcast_object(self, obj: Any) -> Any:
        """Rank 0's ``obj`` (any picklable value) on every rank; the other ranks' ``obj``
        is ignored."""
        if not self.enabled:
            return obj
        holder = [obj]
        dist.broadcast_object_list(holder, src=0)
        return holder[0]

    def broadcast_module_(self, module: nn.Module) -> None:
        """Overwrite ``module``'s parameters and buffers with rank 0's, in place."""
        if not self.enabled:
            return
        with torch.no_grad():
            for tensor in [*module.parameters(), *module.buffers()]:
                dist.broadcast(tensor, src=0)

    def any_flag(self, value: int | None) -> int | None:
        """The largest non-zero ``value`` over the ranks (``None`` when none has one); a
        host sync, for decisions every rank must take together (stopping on a signal)."""
        if not self.enabled:
            return value
        device = self.device or torch.device("cpu")
        flag = torch.tensor(value or 0, dtype=torch.int64, device=device)
        dist.all_reduce(flag, op=dist.ReduceOp.MAX)
        return int(flag.item()) or None


SINGLE_PROCESS = DistributedContext()
"""The context of an ordinary one-process run: every collective is a no-op."""
