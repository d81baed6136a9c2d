"""GRPO's minibatch loss: the masked clipped surrogate, an entropy bonus and the k3 KL
estimate to a frozen reference policy."""

from __future__ import annotations

from typing import NamedTuple

import torch


def k3_kl(log_probs: torch.Tensor, ref_log_probs: torch.Tensor) -> torch.Tensor:
    """Per-sample k3 estimate of ``KL(pi || pi_ref)`` from samples of ``pi``: with
    ``log_r = log pi_ref - log pi``, ``exp(log_r) - log_r - 1`` (>= 0, unbiased)."""
    log_ratio = ref_log_probs - log_probs
    return torch.exp(log_ratio) - log_ratio - 1.0


class GRPOLoss(NamedTuple):
    """The loss of one minibatch and its terms (masked means, scalar tensors)."""

    loss: torch.Tensor
    """``policy_loss - ent_coef * entropy + kl_coef * ref_kl`` (differentiable)."""
    policy_loss: torch.Tensor
    """Clipped surrogate, negated."""
    entropy: torch.Tensor
    """Mean policy entropy."""
    ref_kl: torch.Tensor
    """Mean k3 KL to the reference policy (0 without one)."""
    approx_kl: torch.Tensor
    """Mean k3 KL to the rollout policy (how far this update has moved), detached."""
    clipfrac: torch.Tensor
    """Fraction of counted samples (of their parts, with per-part ratios) whose ratio left
    ``[1 - clip, 1 + clip]``."""


def grpo_loss(
    *,
    log_probs: torch.Tensor,
    old_log_probs: torch.Tensor,
    advantages: torch.Tensor,
    mask: torch.Tensor,
    entropy: torch.Tensor,
    ref_log_probs: torch.Tensor | None,
    clip_coef: float,
    ent_coef: float,
    kl_coef: float,
) -> GRPOLoss:
    """Every term is a mean over the samples with ``mask`` 1 (divided by ``max(sum(mask),
    1)``, so an all-masked minibatch gives zeros, not NaN); no host sync.

    ``log_probs``, ``old_log_probs`` and ``ref_log_probs`` are ``[B]`` (one ratio per
    sample) or ``[B, K]`` (one ratio per independent action part: each part's surrogate is
    clipped on its own and the parts are averaged; the KLs are summed over the parts)."""
    count = mask.sum().clamp(min=1.0)

    def masked_mean(x: torch.Tensor) -> torch.Tensor:
        return (x * mask).sum() / count

    def as_parts(x: torch.Tensor) -> torch.Tensor:
        return x if x.dim() == 2 else x[:, None]  # [B] is one part per sample

    log_probs, old_log_probs = as_parts(log_probs), as_parts(old_log_probs)
    advantage = advantages[:, None]
    ratio = torch.exp(log_probs - old_log_probs)
    clipped = ratio.clamp(1.0 - clip_coef, 1.0 + clip_coef)
    policy_loss = -masked_mean(torch.min(ratio * advantage, clipped * advantage).mean(-1))
    mean_entropy = masked_mean(entropy)
    if ref_log_probs is None:
        ref_kl = torch.zeros((), device=log_probs.device)
    else:
        ref_kl = masked_mean(k3_kl(log_probs, as_parts(ref_log_probs)).sum(-1))
    loss = policy_loss - ent_coef * mean_entropy + kl_coef * ref_kl
    with torch.no_grad():
        approx_kl = masked_mean(k3_kl(log_probs, old_log_probs).sum(-1))
        clipfrac = masked_mean(((ratio - 1.0).abs() > clip_coef).float().mean(-1))
    return GRPOLoss(loss, policy_loss, mean_entropy, ref_kl, approx_kl, clipfrac)
