"""The pure tensor math of soft actor-critic: targets, losses and the Polyak update."""

from __future__ import annotations

import copy

import torch
from torch import nn


def soft_q_target(
    rewards: torch.Tensor,
    bootstrap: torch.Tensor,
    next_q: torch.Tensor,
    next_log_prob: torch.Tensor,
    alpha: torch.Tensor,
) -> torch.Tensor:
    """``r + bootstrap * (min_i Q'_i(s', a') - α log π(a'|s'))``, ``[B]``; ``next_q`` is
    ``[num_critics, B]`` and ``bootstrap`` is ``γ**k`` or 0 after a termination."""
    soft_value = next_q.min(dim=0).values - alpha * next_log_prob
    return rewards + bootstrap * soft_value


def critic_loss(q: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Sum over critics of the mean squared TD error (``q`` ``[num_critics, B]``)."""
    return (q - target.detach()).square().mean(dim=1).sum()


def actor_loss(q: torch.Tensor, log_prob: torch.Tensor, alpha: torch.Tensor) -> torch.Tensor:
    """``mean(α log π(a|s) - min_i Q_i(s, a))`` over the batch (``a`` reparameterised)."""
    return (alpha.detach() * log_prob - q.min(dim=0).values).mean()


def alpha_loss(
    log_alpha: torch.Tensor, log_prob: torch.Tensor, target_entropy: float
) -> torch.Tensor:
    """``-mean(log α * (log π + target_entropy))``: its gradient raises α while the
    policy's entropy ``-log π`` is below the target and lowers it while above."""
    return -(log_alpha * (log_prob.detach() + target_entropy)).mean()


@torch.no_grad()
def polyak_update(target: nn.Module, online: nn.Module, tau: float) -> None:
    """``θ' <- (1 - τ) θ' + τ θ`` for every parameter in one fused multi-tensor op
    (buffers are copied)."""
    target_params, online_params = list(target.parameters()), list(online.parameters())
    if len(target_params) != len(online_params):
        raise ValueError("polyak_update: target and online networks differ in structure")
    torch._foreach_lerp_(target_params, online_params, tau)
    for t_buf, o_buf in zip(target.buffers(), online.buffers(), strict=True):
        t_buf.copy_(o_buf)


def frozen_copy(module: nn.Module) -> nn.Module:
    """A deep copy of ``module`` that takes no gradients (a target network)."""
    target = copy.deepcopy(module)
    target.requires_grad_(False)
    return target
