"""Statistics of ``embodichain-bench suite``: robust aggregates over seeds and the
threshold-crossing logic, in plain NumPy (no torch, no scipy).

The aggregates follow the rliable recommendations (Agarwal et al., 2021, "Deep RL at the
edge of the statistical precipice"): the median and the interquartile mean (IQM: the mean of
the middle 50 % of the runs) with percentile confidence intervals from a *stratified*
bootstrap, which resamples the runs of every task (stratum) separately, with replacement,
so that every replicate keeps each task's number of runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

Statistic = Callable[[np.ndarray], np.ndarray]
"""A statistic of the last axis: ``[..., runs] -> [...]``."""


def iqm(scores: np.ndarray) -> np.ndarray:
    """Interquartile mean over the last axis: sort, drop ``floor(0.25 n)`` runs at each end,
    average the rest (scipy's ``trim_mean(x, 0.25)``, rliable's IQM)."""
    ordered = np.sort(np.asarray(scores, dtype=np.float64), axis=-1)
    n = ordered.shape[-1]
    cut = int(0.25 * n)
    return ordered[..., cut : n - cut].mean(axis=-1)


def median(scores: np.ndarray) -> np.ndarray:
    """Median over the last axis."""
    return np.median(np.asarray(scores, dtype=np.float64), axis=-1)


STATISTICS: dict[str, Statistic] = {"median": median, "iqm": iqm}
"""The aggregates every report gives, by name."""


def bootstrap_replicates(
    strata: Sequence[Sequence[float]],
    statistic: Statistic,
    *,
    samples: int,
    seed: int,
) -> np.ndarray:
    """``samples`` values of ``statistic`` on stratified resamples: every replicate draws,
    for each stratum independently, as many runs as it has, with replacement, pools the
    draws and applies ``statistic`` to the pool."""
    rng = np.random.default_rng(seed)
    draws = []
    for stratum in strata:
        values = np.asarray(stratum, dtype=np.float64)
        draws.append(values[rng.integers(0, values.size, size=(samples, values.size))])
    return statistic(np.concatenate(draws, axis=1))


def stratified_bootstrap_ci(
    strata: Sequence[Sequence[float]],
    statistic: Statistic,
    *,
    samples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile ``confidence`` interval of ``statistic`` (pooled over every stratum's runs)
    from ``samples`` stratified bootstrap replicates drawn with ``seed``."""
    replicates = bootstrap_replicates(strata, statistic, samples=samples, seed=seed)
    tail = 100.0 * (1.0 - confidence) / 2.0
    low, high = np.percentile(replicates, [tail, 100.0 - tail])
    return float(low), float(high)


def first_crossing(values: Sequence[float], threshold: float) -> int | None:
    """Index of the first value at or above ``threshold`` (NaN never crosses), or ``None``."""
    for i, value in enumerate(values):
        if value >= threshold:
            return i
    return None


def sustained_crossing(values: Sequence[float], threshold: float, sustain: int) -> int | None:
    """Index of the first value that starts ``sustain`` consecutive values at or above
    ``threshold`` (a run cut short by the end of the list does not count), or ``None``."""
    streak = 0
    for i, value in enumerate(values):
        streak = streak + 1 if value >= threshold else 0
        if streak == sustain:
            return i - sustain + 1
    return None


def window_mean(values: Sequence[float], window: int) -> float:
    """Mean of the last ``window`` values (all of them when there are fewer; NaN if none)."""
    tail = np.asarray(values[-window:], dtype=np.float64)
    return float(tail.mean()) if tail.size else float("nan")
