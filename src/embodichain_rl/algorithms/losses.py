"""The PPO objective on one minibatch, as a pure function of tensors."""

from __future__ import annotations

from typing import NamedTuple

import torch


class PPOLoss(NamedTuple):
    """Scalar terms of one minibatch; ``loss`` carries gradients, the rest are detached."""

    loss: torch.Tensor
    """``policy_loss + vf_coef * value_loss - ent_coef * entropy``."""
    policy_loss: torch.Tensor
    """Clipped surrogate, ``mean(max(-A r, -A clip(r, 1-ε, 1+ε)))``."""
    value_loss: torch.Tensor
    """``0.5 * mean((V - R)^2)``, or the element-wise max with the clipped version."""
    entropy: torch.Tensor
    """Mean policy entropy."""
    approx_kl: torch.Tensor
    """``mean((r - 1) - log r)``, an unbiased low-variance estimate of KL(old || new)."""
    clipfrac: torch.Tensor
    """Fraction of samples with ``|r - 1| > ε``."""


def ppo_loss(
    *,
    log_probs: torch.Tensor,
    old_log_probs: torch.Tensor,
    advantages: torch.Tensor,
    values: torch.Tensor,
    old_values: torch.Tensor,
    returns: torch.Tensor,
    entropy: torch.Tensor,
    clip_coef: float,
    vf_coef: float,
    ent_coef: float,
    clip_value_loss: bool,
) -> PPOLoss:
    """PPO-clip loss over ``[B]`` tensors (advantages used as given: normalise beforehand).

    With ``clip_value_loss`` the value prediction is also kept within ``clip_coef`` of the
    rollout value and the larger of the clipped / unclipped squared errors is used.
    """
    log_ratio = log_probs - old_log_probs
    ratio = torch.exp(log_ratio)
    surrogate = -advantages * ratio
    clipped_surrogate = -advantages * torch.clamp(ratio, 1.0 - clip_coef, 1.0 + clip_coef)
    policy_loss = torch.maximum(surrogate, clipped_surrogate).mean()

    value_error = (values - returns).square()
    if clip_value_loss:
        clipped_values = old_values + torch.clamp(values - old_values, -clip_coef, clip_coef)
        value_error = torch.maximum(value_error, (clipped_values - returns).square())
    value_loss = 0.5 * value_error.mean()

    entropy_mean = entropy.mean()
    loss = policy_loss + vf_coef * value_loss - ent_coef * entropy_mean
    with torch.no_grad():
        approx_kl = ((ratio - 1.0) - log_ratio).mean()
        clipfrac = ((ratio - 1.0).abs() > clip_coef).to(ratio.dtype).mean()
    return PPOLoss(
        loss=loss,
        policy_loss=policy_loss.detach(),
        value_loss=value_loss.detach(),
        entropy=entropy_mean.detach(),
        approx_kl=approx_kl,
        clipfrac=clipfrac,
    )
