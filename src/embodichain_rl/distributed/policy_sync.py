"""Make a freshly built policy data-parallel: rank 0's initial state everywhere, and
observation normalisers that merge the statistics of every rank's batch."""

from __future__ import annotations

from torch import nn

from embodichain_rl.distributed.context import DistributedContext
from embodichain_rl.policies.normalizer import RunningNormalizer


def share_policy(policy: nn.Module, ctx: DistributedContext) -> None:
    """Give every ``RunningNormalizer`` in ``policy`` the context (so its updates use the
    global batch statistics) and copy rank 0's parameters and buffers to every rank."""
    for module in policy.modules():
        if isinstance(module, RunningNormalizer):
            module.distributed = ctx
    ctx.broadcast_module_(policy)
