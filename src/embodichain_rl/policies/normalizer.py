"""Running observation normaliser kept on the device and saved in ``state_dict``."""

from __future__ import annotations

import torch
from torch import nn


def batch_moments(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, int]:
    """Per-feature mean, population variance and row count of ``x`` (``[..., dim]``, every
    leading dimension a sample)."""
    flat = x.reshape(-1, x.shape[-1])
    return flat.mean(dim=0), flat.var(dim=0, unbiased=False), flat.shape[0]


class RunningNormalizer(nn.Module):
    """Per-feature running mean / variance merged batch by batch (Chan et al.'s parallel
    update), applied as ``clamp((x - mean) / sqrt(var + eps), -clip, clip)``.

    The statistics are registered buffers, so they follow ``.to(device)`` and travel in
    ``state_dict``. ``var`` is the population variance of everything seen so far; before the
    first update the normaliser is the identity up to ``eps`` and clipping. ``count`` is
    float64 so it stays exact past 2**24 samples. Data-parallel training merges the moments
    of every rank's batch first (``distributed.ops.global_moments``) and hands them to
    ``merge``, so the statistics stay identical on every rank.
    """

    def __init__(self, *, dim: int, clip: float = 10.0, eps: float = 1e-8) -> None:
        super().__init__()
        if clip <= 0 or eps <= 0:
            raise ValueError(f"clip and eps must be positive, got clip={clip}, eps={eps}")
        self.clip = clip
        """Normalised values are clamped to ``[-clip, clip]``."""
        self.eps = eps
        """Added to the variance before the square root."""
        self.register_buffer("mean", torch.zeros(dim))
        self.register_buffer("var", torch.ones(dim))
        self.register_buffer("count", torch.zeros((), dtype=torch.float64))

    @torch.no_grad()
    def update(self, x: torch.Tensor) -> None:
        """Merge a batch ``[B, dim]`` into the statistics (no host sync)."""
        x = x.reshape(-1, self.mean.shape[0]).to(self.mean.dtype)
        if x.shape[0] == 0:
            return
        self.merge(*batch_moments(x))

    @torch.no_grad()
    def merge(
        self, batch_mean: torch.Tensor, batch_var: torch.Tensor, batch_count: torch.Tensor | int
    ) -> None:
        """Fold in the moments of a batch (per-feature mean, population variance, and its
        sample count ``> 0``) as if its samples had been seen one by one (no host sync)."""
        batch_mean = batch_mean.to(self.mean.dtype)
        batch_var = batch_var.to(self.var.dtype)
        total = self.count + batch_count
        new_frac = (batch_count / total).to(self.mean.dtype)
        old_frac = (self.count / total).to(self.mean.dtype)
        delta = batch_mean - self.mean
        self.mean += delta * new_frac
        self.var.copy_(
            self.var * old_frac + batch_var * new_frac + delta.square() * old_frac * new_frac
        )
        # Not ``count.copy_(total)``: torch.compile (2.13) drops in-place writes to a 0-d
        # float64 buffer; writing through an indexed view is kept (tests compare to eager).
        self.count[...] = total

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Normalise ``x`` (``[..., dim]``) with the current statistics."""
        scaled = (x - self.mean) * torch.rsqrt(self.var + self.eps)
        return scaled.clamp(-self.clip, self.clip)
