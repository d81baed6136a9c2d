"""Aggregates of ``embodichain-bench suite`` results: per (task, algorithm) over seeds, and
per algorithm over tasks (seeds of every task resampled within the task: a stratified
bootstrap), each as a median and an IQM with confidence intervals."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from embodichain_rl.bench.suite_cell import CellResult
from embodichain_rl.bench.suite_spec import SuiteSpec
from embodichain_rl.bench.suite_stats import STATISTICS, stratified_bootstrap_ci

PAIR_METRICS = (
    "final_success",
    "sustained_success",
    "final_return",
    "sustained_return",
    "train_fps",
)
"""Cell fields aggregated per (task, algorithm)."""

ALGORITHM_METRICS = ("final_success", "sustained_success")
"""Cell fields aggregated per algorithm over tasks (success rates share one scale)."""


@dataclass(frozen=True)
class Estimate:
    """Median and IQM of a metric over runs, each with its bootstrap interval."""

    runs: int
    """Runs (seeds, over every task for an algorithm) behind the estimate."""
    median: float
    median_ci: tuple[float, float]
    iqm: float
    """Interquartile mean (the plain mean for fewer than 4 runs)."""
    iqm_ci: tuple[float, float]


def estimate(strata: list[list[float]], spec: SuiteSpec) -> Estimate | None:
    """The estimate over the runs of every stratum (``None`` without runs)."""
    pooled = np.concatenate([np.asarray(s, dtype=np.float64) for s in strata if s] or [[]])
    if pooled.size == 0:
        return None
    strata = [s for s in strata if s]
    values = {}
    for name, statistic in STATISTICS.items():
        interval = stratified_bootstrap_ci(
            strata,
            statistic,
            samples=spec.bootstrap_samples,
            confidence=spec.confidence,
            seed=spec.bootstrap_seed,
        )
        values[name] = (float(statistic(pooled)), interval)
    return Estimate(
        runs=int(pooled.size),
        median=values["median"][0],
        median_ci=values["median"][1],
        iqm=values["iqm"][0],
        iqm_ci=values["iqm"][1],
    )


def _values(cells: list[CellResult], name: str) -> list[float] | None:
    """The field ``name`` of every cell, or ``None`` when a cell lacks it."""
    values = [getattr(c, name) for c in cells]
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values):
        return None
    return [float(v) for v in values]


def _median_or_none(values: list[float]) -> float | None:
    middle = float(np.median(values)) if values else math.inf
    return None if math.isinf(middle) else middle


@dataclass(frozen=True)
class PairAggregate:
    """One (task, algorithm) over its seeds."""

    task: str
    algorithm: str
    runs: int
    """Finished cells (failed ones are left out)."""
    failed: int
    """Cells that failed."""
    reached: int
    """Runs whose evaluations reached the task's threshold."""
    estimates: dict[str, Estimate | None]
    """Per field of :data:`PAIR_METRICS` (``None`` when a run lacks the value)."""
    hit_env_steps: float | None
    """Median env steps to the threshold (a run that never reached it counts as infinite;
    ``None`` when the median is infinite)."""
    hit_seconds: float | None
    """Median wall time to the threshold, likewise."""
    sustained_hit_env_steps: float | None
    """Median env steps to the sustained crossing, likewise."""
    env_fps: float | None
    """Median env-only steps/s."""


def pair_aggregate(
    task: str, algorithm: str, cells: list[CellResult], spec: SuiteSpec
) -> PairAggregate:
    """Aggregate one pair's cells (all of them: ok and failed)."""
    ok = [c for c in cells if c.status == "ok"]
    estimates = {}
    for name in PAIR_METRICS:
        values = _values(ok, name)
        estimates[name] = None if values is None else estimate([values], spec)

    def hit_median(name: str) -> float | None:
        return _median_or_none(
            [math.inf if getattr(c, name) is None else getattr(c, name) for c in ok]
        )

    fps = _values(ok, "env_fps")
    return PairAggregate(
        task=task,
        algorithm=algorithm,
        runs=len(ok),
        failed=len(cells) - len(ok),
        reached=sum(c.hit_env_steps is not None for c in ok),
        estimates=estimates,
        hit_env_steps=hit_median("hit_env_steps"),
        hit_seconds=hit_median("hit_seconds"),
        sustained_hit_env_steps=hit_median("sustained_hit_env_steps"),
        env_fps=None if not fps else float(np.median(fps)),
    )


@dataclass(frozen=True)
class AlgorithmAggregate:
    """One algorithm over the tasks it ran on (those that report success)."""

    algorithm: str
    tasks: tuple[str, ...]
    """Tasks in the aggregate."""
    estimates: dict[str, Estimate | None]
    """Per field of :data:`ALGORITHM_METRICS`."""


def algorithm_aggregate(
    algorithm: str, by_task: dict[str, list[CellResult]], spec: SuiteSpec
) -> AlgorithmAggregate:
    """Aggregate ``algorithm``'s finished cells over tasks, one stratum per task; a task
    whose runs lack the value (no success reported) is left out."""
    estimates = {}
    used: set[str] = set()
    for name in ALGORITHM_METRICS:
        strata = {}
        for task, cells in by_task.items():
            values = _values([c for c in cells if c.status == "ok"], name)
            if values:
                strata[task] = values
        used |= set(strata)
        estimates[name] = estimate(list(strata.values()), spec) if strata else None
    tasks = tuple(t for t in by_task if t in used)
    return AlgorithmAggregate(algorithm=algorithm, tasks=tasks, estimates=estimates)


def aggregate(
    cells: list[CellResult], spec: SuiteSpec
) -> tuple[list[PairAggregate], list[AlgorithmAggregate]]:
    """Every pair's and every algorithm's aggregate, in the order the cells come."""
    pairs: dict[tuple[str, str], list[CellResult]] = {}
    for cell in cells:
        pairs.setdefault((cell.task, cell.algorithm), []).append(cell)
    pair_rows = [pair_aggregate(t, a, group, spec) for (t, a), group in pairs.items()]
    algorithms: dict[str, dict[str, list[CellResult]]] = {}
    for (task, algorithm), group in pairs.items():
        algorithms.setdefault(algorithm, {})[task] = group
    algorithm_rows = [algorithm_aggregate(a, by, spec) for a, by in algorithms.items()]
    return pair_rows, algorithm_rows
