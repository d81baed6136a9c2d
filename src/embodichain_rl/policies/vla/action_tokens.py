"""Continuous actions <-> action tokens: each dimension's range cut into uniform bins, one
token per bin (OpenVLA's discretisation), the action being the bin's centre."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn


class ActionBins(nn.Module):
    """``bins`` uniform bins over ``[low_i, high_i]`` of every action dimension ``i``.

    ``centres(index)`` is the action a token stands for; ``index(action)`` the bin an action
    falls in (values outside the range go to the edge bins). ``index(centres(k)) == k``
    exactly, so an action the policy emitted maps back to the token it sampled.
    """

    def __init__(self, low: Sequence[float], high: Sequence[float], bins: int) -> None:
        super().__init__()
        low_t = torch.tensor([float(v) for v in low], dtype=torch.float32)
        high_t = torch.tensor([float(v) for v in high], dtype=torch.float32)
        if low_t.shape != high_t.shape or not bool(torch.isfinite(low_t).all()):
            raise ValueError("the VLA needs finite action bounds of equal length")
        if not bool(torch.isfinite(high_t).all()) or bool((high_t <= low_t).any()):
            raise ValueError("the VLA needs finite action bounds with high > low")
        self.bins = int(bins)
        """Bins (tokens) per dimension."""
        self.register_buffer("low", low_t, persistent=False)
        self.register_buffer("width", (high_t - low_t) / self.bins, persistent=False)

    @property
    def action_dim(self) -> int:
        """Number of action dimensions."""
        return int(self.low.shape[0])

    def centres(self, index: torch.Tensor) -> torch.Tensor:
        """The float32 actions ``[..., A]`` of bin indices ``[..., A]``."""
        return self.low + (index.to(self.low.dtype) + 0.5) * self.width

    def index(self, actions: torch.Tensor) -> torch.Tensor:
        """The int64 bin ``[..., A]`` each action component falls in (clamped to the range)."""
        raw = torch.floor((actions.to(self.low.dtype) - self.low) / self.width)
        return raw.clamp(0, self.bins - 1).to(torch.int64)
