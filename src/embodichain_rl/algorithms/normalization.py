"""PPO's running reward scaling and value-target normalisation, on the device and sync-free.

``ReturnScaler`` divides each reward by the running standard deviation of the discounted
return (the definition of Stable-Baselines3's ``VecNormalize`` and CleanRL's
``NormalizeReward``); ``ValueNormalizer`` standardises the critic's targets with their
running mean and standard deviation. Both keep their statistics in a
:class:`~embodichain_rl.policies.normalizer.RunningNormalizer` and, under data-parallel
training, merge every rank's batch first, so the statistics are the same on every rank.
"""

from __future__ import annotations

from typing import Any

import torch

from embodichain_rl.distributed.context import SINGLE_PROCESS, DistributedContext
from embodichain_rl.distributed.ops import global_moments
from embodichain_rl.policies.dict_normalizer import DictNormalizer
from embodichain_rl.policies.normalizer import RunningNormalizer, batch_moments
from embodichain_rl.utils.observations import Observation

EPS = 1e-8
"""Added to the running variance before the square root (SB3's ``epsilon``)."""


def _merge_global(
    stats: RunningNormalizer, values: torch.Tensor, distributed: DistributedContext
) -> None:
    """Fold ``values`` (every element a sample) of every rank into ``stats``."""
    mean, var, count = batch_moments(values.reshape(-1, 1).to(stats.mean.dtype))
    stats.merge(*global_moments(mean, var, count, distributed))


def fold_in_observations(
    normalizer: RunningNormalizer | DictNormalizer | None,
    obs: Observation,
    distributed: DistributedContext,
) -> None:
    """Merge a rollout's raw observations (``[..., D]``, or a dict of them), every rank's,
    into a policy's observation normaliser: one statistic per feature, or per vector key of
    a dict (images are never read). ``None`` (no normaliser) does nothing."""
    if normalizer is None:
        return
    if isinstance(normalizer, DictNormalizer):
        assert isinstance(obs, dict)
        moments = normalizer.moments(obs)
        normalizer.merge_moments(
            {key: global_moments(*m, distributed) for key, m in moments.items()}
        )
        return
    assert isinstance(obs, torch.Tensor)
    normalizer.merge(*global_moments(*batch_moments(obs), distributed))


class ReturnScaler:
    """Running return-based reward scaling for ``num_envs`` parallel envs.

    Per step: ``R ← γ·R + r`` per env; the running variance of ``R`` (over every env, step
    and rank seen so far) absorbs the step's ``R``; the reward becomes
    ``clip(r / sqrt(var + 1e-8), ±clip)``; then ``R ← 0`` where the episode ended
    (terminated or truncated). The mean is not subtracted: the sign of a reward is kept.
    Before the first step the statistics are empty; the first step's variance is that step's.
    """

    def __init__(
        self,
        *,
        num_envs: int,
        gamma: float,
        clip: float | None,
        device: torch.device,
        distributed: DistributedContext = SINGLE_PROCESS,
    ) -> None:
        self.gamma = gamma
        """Discount of the running return (the algorithm's γ)."""
        self.clip = clip
        """Scaled rewards are clamped to ``[-clip, clip]``; None: no clamp."""
        self.distributed = distributed
        self.returns = torch.zeros(num_envs, device=device)
        """Discounted return of each env's current episode so far (rank-local)."""
        self.stats = RunningNormalizer(dim=1, clip=float("inf"), eps=EPS).to(device)
        """Running mean / variance of the discounted returns (global across ranks)."""

    @torch.no_grad()
    def __call__(self, reward: torch.Tensor, done: torch.Tensor) -> torch.Tensor:
        """The scaled rewards of one step of every env (``[N]``), updating the statistics."""
        self.returns.mul_(self.gamma).add_(reward)
        _merge_global(self.stats, self.returns, self.distributed)
        scaled = reward * torch.rsqrt(self.stats.var[0] + EPS)
        if self.clip is not None:
            scaled = scaled.clamp(-self.clip, self.clip)
        self.returns.masked_fill_(done, 0.0)
        return scaled

    def std(self) -> torch.Tensor:
        """The current divisor ``sqrt(var + 1e-8)`` (a device scalar, for logging)."""
        return torch.sqrt(self.stats.var[0] + EPS)

    def state_dict(self) -> dict[str, Any]:
        return {"returns": self.returns.clone(), "stats": self.stats.state_dict()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.returns.copy_(state["returns"])
        self.stats.load_state_dict(state["stats"])


class ValueNormalizer:
    """Running mean / standard deviation of the critic's targets (the GAE returns).

    The critic predicts standardised values: ``denormalize`` turns its output into returns
    for GAE and bootstrapping, ``normalize`` turns targets (and the rollout's values, for
    value clipping) into the critic's scale. ``update`` folds a rollout's returns in, once
    per update and before its epochs.
    """

    def __init__(
        self, *, device: torch.device, distributed: DistributedContext = SINGLE_PROCESS
    ) -> None:
        self.distributed = distributed
        self.stats = RunningNormalizer(dim=1, clip=float("inf"), eps=EPS).to(device)
        """Running mean / variance of the value targets (global across ranks)."""

    @torch.no_grad()
    def update(self, returns: torch.Tensor) -> None:
        """Fold every rank's ``returns`` (any shape) into the statistics."""
        _merge_global(self.stats, returns, self.distributed)

    def normalize(self, values: torch.Tensor) -> torch.Tensor:
        return (values - self.stats.mean[0]) * torch.rsqrt(self.stats.var[0] + EPS)

    def denormalize(self, values: torch.Tensor) -> torch.Tensor:
        return values * torch.sqrt(self.stats.var[0] + EPS) + self.stats.mean[0]

    def state_dict(self) -> dict[str, Any]:
        return self.stats.state_dict()

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.stats.load_state_dict(state)
