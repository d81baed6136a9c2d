"""Closed-form action distributions: diagonal Gaussian and (multi-)categorical.

Pure tensor work (no ``torch.distributions`` argument validation, no host syncs, no
data-dependent shapes), so they run inside compiled rollout and minibatch functions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch

_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


def gaussian_log_prob(
    actions: torch.Tensor, mean: torch.Tensor, log_std: torch.Tensor
) -> torch.Tensor:
    """``[N]`` log-density of ``actions`` under ``N(mean, exp(log_std)²)`` per dimension."""
    z = (actions - mean) * torch.exp(-log_std)
    return (-0.5 * z.square() - log_std - _HALF_LOG_2PI).sum(dim=-1)


def gaussian_entropy(log_std: torch.Tensor, batch: int) -> torch.Tensor:
    """``[batch]`` entropy of a diagonal Gaussian, ``Σ_i (½ + ½ log 2π + log σ_i)``."""
    return (0.5 + _HALF_LOG_2PI + log_std).sum().expand(batch)


class MultiCategorical:
    """Independent categoricals over ``len(nvec)`` components, component ``i`` choosing
    among ``nvec[i]`` values, from concatenated logits ``[N, sum(nvec)]``.

    Actions are int64 indices ``[N, len(nvec)]`` (``Discrete(n)`` is ``nvec = [n]``); the
    log-probability and entropy of an action are the sums over its components.
    """

    def __init__(self, nvec: Sequence[int]) -> None:
        sizes = tuple(int(n) for n in nvec)
        if not sizes or any(n < 1 for n in sizes):
            raise ValueError(f"categorical action sizes must be positive, got {list(nvec)}")
        self.nvec = sizes
        """Choices per component."""

    @property
    def num_logits(self) -> int:
        """Width of the logits tensor, ``sum(nvec)``."""
        return sum(self.nvec)

    def _log_probs(self, logits: torch.Tensor) -> list[torch.Tensor]:
        """Normalised log-probabilities of every component, ``[N, nvec[i]]`` each."""
        return [part.log_softmax(dim=-1) for part in logits.split(self.nvec, dim=-1)]

    def mode(self, logits: torch.Tensor) -> torch.Tensor:
        """The most likely index of every component, ``[N, len(nvec)]`` int64."""
        return torch.stack([part.argmax(dim=-1) for part in logits.split(self.nvec, dim=-1)], -1)

    def sample(self, logits: torch.Tensor) -> torch.Tensor:
        """Draw ``[N, len(nvec)]`` int64 indices (Gumbel-max: ``argmax(logits + G)`` with
        ``G = -log(-log U)``, ``U`` uniform, is an exact categorical sample)."""
        gumbel = -torch.log(-torch.log(torch.rand_like(logits)))
        return self.mode(logits + gumbel)

    def log_prob(self, logits: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """``[N]`` log-probability of ``actions`` (``[N, len(nvec)]`` indices, any dtype)."""
        index = actions.long()
        terms = [
            log_p.gather(-1, index[:, i : i + 1]).squeeze(-1)
            for i, log_p in enumerate(self._log_probs(logits))
        ]
        return torch.stack(terms, dim=-1).sum(dim=-1)

    def entropy(self, logits: torch.Tensor) -> torch.Tensor:
        """``[N]`` entropy, ``-Σ_i Σ_k p_ik log p_ik``."""
        terms = [-(log_p.exp() * log_p).sum(dim=-1) for log_p in self._log_probs(logits)]
        return torch.stack(terms, dim=-1).sum(dim=-1)
