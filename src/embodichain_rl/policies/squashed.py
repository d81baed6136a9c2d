"""The tanh-squashed diagonal Gaussian: samples and exact log-densities (no host syncs)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch.nn import functional as F

LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
"""``log sqrt(2π)``, the Gaussian's normalising constant per dimension."""


def bounded_log_std(raw: torch.Tensor, low: float, high: float) -> torch.Tensor:
    """Map an unbounded network output smoothly into ``[low, high]`` (tanh rescaled)."""
    return low + 0.5 * (high - low) * (torch.tanh(raw) + 1.0)


def log_tanh_jacobian(u: torch.Tensor) -> torch.Tensor:
    """``log(1 - tanh(u)^2)`` per element, stable for large ``|u|``:
    ``2 * (log 2 - u - softplus(-2u))``."""
    return 2.0 * (math.log(2.0) - u - F.softplus(-2.0 * u))


def squashed_log_prob(u: torch.Tensor, mean: torch.Tensor, log_std: torch.Tensor) -> torch.Tensor:
    """Log-density ``[N]`` of ``y = tanh(u)`` in ``(-1, 1)^A`` where ``u ~ N(mean, exp(log_std))``:
    ``Σ_i log N(u_i) - log(1 - tanh(u_i)^2)`` (change of variables)."""
    gaussian = -0.5 * ((u - mean) / log_std.exp()).square() - log_std - LOG_SQRT_2PI
    return (gaussian - log_tanh_jacobian(u)).sum(dim=-1)


def atanh_clamped(y: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """``atanh`` of ``y`` clamped into ``(-1 + eps, 1 - eps)`` (actions on the bounds)."""
    return torch.atanh(y.clamp(-1.0 + eps, 1.0 - eps))


def checked_bounds(
    option: str, action_dim: int, low: Sequence[float] | None, high: Sequence[float] | None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Checked ``[A]`` float32 bound tensors (``[-1, 1]`` where not given) for the tanh
    actor of ``policy=<option>``; a bad bound raises one line naming the option."""
    low_t = torch.full((action_dim,), -1.0) if low is None else torch.tensor(low).float()
    high_t = torch.full((action_dim,), 1.0) if high is None else torch.tensor(high).float()
    problem = None
    if low_t.shape != (action_dim,) or high_t.shape != (action_dim,):
        problem = f"need {action_dim} values each, got {len(low_t)} and {len(high_t)}"
    elif not (torch.isfinite(low_t).all() and torch.isfinite(high_t).all()):
        problem = "must be finite (a tanh-squashed actor cannot reach an infinite bound)"
    elif not (low_t < high_t).all():
        problem = "need action_low < action_high in every dimension"
    if problem is not None:
        raise ValueError(
            f"policy={option}: action bounds {low_t.tolist()} .. {high_t.tolist()} {problem}"
        )
    return low_t, high_t
