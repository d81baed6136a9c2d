"""Synchronisation steps of data-parallel PPO: gradients, advantage statistics,
observation statistics and a parameter checksum."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from embodichain_rl.distributed.context import DistributedContext


def average_gradients_(params: Sequence[torch.Tensor], ctx: DistributedContext) -> None:
    """Replace every ``p.grad`` by its mean over the ranks with one all-reduce of a flat
    buffer (a missing gradient counts as zeros, so every rank sends the same layout)."""
    if not ctx.enabled or not params:
        return
    grads = [p.grad if p.grad is not None else torch.zeros_like(p) for p in params]
    flat = torch.cat([g.reshape(-1) for g in grads])
    ctx.all_reduce_mean_(flat)
    offset = 0
    for param in params:
        count = param.numel()
        averaged = flat[offset : offset + count].view_as(param)
        if param.grad is None:
            param.grad = averaged.clone()
        else:
            param.grad.copy_(averaged)
        offset += count


def global_mean_std(x: torch.Tensor, ctx: DistributedContext) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean and unbiased standard deviation of ``x`` over every rank's elements together
    (two all-reduces: sum and count, then the centred sum of squares, in float64)."""
    if not ctx.enabled:
        return x.mean(), x.std()
    stats = torch.stack(
        [
            x.sum(dtype=torch.float64),
            torch.full((), x.numel(), dtype=torch.float64, device=x.device),
        ]
    )
    ctx.all_reduce_sum_(stats)
    total, count = stats[0], stats[1]
    mean = total / count
    centred = (x.to(torch.float64) - mean).square().sum().reshape(1)
    ctx.all_reduce_sum_(centred)
    std = torch.sqrt(centred[0] / (count - 1))
    return mean.to(x.dtype), std.to(x.dtype)


def global_moments(
    mean: torch.Tensor, var: torch.Tensor, count: int, ctx: DistributedContext
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | int]:
    """Per-feature mean, population variance and count of the union of every rank's
    batch, from each rank's ``(mean, var, count)`` (one all-gather, merged exactly:
    ``var = Σ n_k (var_k + (mean_k - mean)²) / Σ n_k``). Every rank gets the same values."""
    if not ctx.enabled:
        return mean, var, count
    dim = mean.shape[0]
    packed = torch.cat([mean, var, mean.new_full((1,), float(count))])
    gathered = ctx.all_gather(packed).to(torch.float64)
    means, variances, counts = gathered[:, :dim], gathered[:, dim : 2 * dim], gathered[:, 2 * dim :]
    total = counts.sum()
    merged_mean = (counts * means).sum(dim=0) / total
    merged_var = (counts * (variances + (means - merged_mean).square())).sum(dim=0) / total
    return merged_mean.to(mean.dtype), merged_var.to(var.dtype), total


def state_checksum(module: nn.Module) -> torch.Tensor:
    """A float64 fingerprint of ``module``'s parameters and buffers (sum and weighted sum),
    equal on two ranks whose states are bit-identical."""
    flat = torch.cat(
        [
            t.detach().reshape(-1).to(torch.float64)
            for t in [*module.parameters(), *module.buffers()]
        ]
    )
    weights = torch.arange(1, flat.numel() + 1, dtype=torch.float64, device=flat.device)
    return torch.stack([flat.sum(), (flat * weights).sum()])


def check_in_sync(module: nn.Module, ctx: DistributedContext, what: str) -> None:
    """Raise ``RuntimeError`` when ``module``'s state differs between ranks (a host sync:
    call it at checkpoints or the end of training, not in the loops)."""
    if not ctx.enabled:
        return
    sums = ctx.all_gather(state_checksum(module))
    if not bool((sums == sums[0]).all()):
        raise RuntimeError(
            f"{what} differs between ranks (checksums {sums.tolist()}): the data-parallel "
            "update lost synchronisation"
        )
