"""Make a freshly built policy data-parallel: rank 0's initial state everywhere."""

from __future__ import annotations

from torch import nn

from embodichain_rl.distributed.context import DistributedContext


def share_policy(policy: nn.Module, ctx: DistributedContext) -> None:
    """Copy rank 0's parameters and buffers (observation statistics included) to every
    rank. Later normaliser updates stay equal because the algorithm merges every rank's
    moments (``ops.global_moments``) before handing them to the normaliser."""
    ctx.broadcast_module_(policy)
