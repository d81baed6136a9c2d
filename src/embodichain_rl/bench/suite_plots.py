"""Plots of ``embodichain-bench suite`` (matplotlib, Agg backend, no display):

- ``curves_<task>.png``: the task's threshold metric at every evaluation against training
  env steps, one line per algorithm (the mean over seeds) in a band from the lowest to the
  highest seed, and the threshold dashed;
- ``aggregate.png``: final eval success per task and over all tasks, median and IQM over
  seeds as bars with their bootstrap confidence intervals.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from embodichain_rl.bench.suite_aggregate import AlgorithmAggregate, Estimate, PairAggregate
from embodichain_rl.bench.suite_cell import CellResult
from embodichain_rl.bench.suite_spec import TaskSpec

ALL_TASKS = "all tasks"
"""The aggregate plot's group of the per-algorithm (stratified) estimates."""


def seed_band(
    runs: list[list[tuple[int, float]]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(steps, mean, low, high)`` over runs of ``(env_steps, value)`` points: at every
    env-step count some run evaluated at, the mean, minimum and maximum of the runs that did
    (NaN values left out)."""
    by_step: dict[int, list[float]] = {}
    for run in runs:
        for step, value in run:
            if not np.isnan(value):
                by_step.setdefault(step, []).append(value)
    steps = np.array(sorted(by_step), dtype=np.int64)
    groups = [np.asarray(by_step[s]) for s in steps]
    mean = np.array([g.mean() for g in groups])
    low = np.array([g.min() for g in groups])
    high = np.array([g.max() for g in groups])
    return steps, mean, low, high


def plot_task_curves(path: Path, task_name: str, task: TaskSpec, cells: list[CellResult]) -> Path:
    """Write ``path``: ``task``'s metric against env steps per algorithm over seeds."""
    fig, ax = plt.subplots(figsize=(7, 4.2))
    algorithms = list(dict.fromkeys(c.algorithm for c in cells))
    for algorithm in algorithms:
        runs = [
            [(p.env_steps, p.value(task.metric)) for p in c.evals]
            for c in cells
            if c.algorithm == algorithm and c.status == "ok"
        ]
        steps, mean, low, high = seed_band(runs)
        if steps.size == 0:
            continue
        (line,) = ax.plot(steps, mean, marker="o", markersize=3, label=f"{algorithm} ({len(runs)})")
        ax.fill_between(steps, low, high, color=line.get_color(), alpha=0.2, linewidth=0)
    ax.axhline(task.threshold, color="black", linestyle="--", linewidth=1, label="threshold")
    ax.set_xlabel("training env steps")
    ax.set_ylabel(f"eval {task.metric.replace('_', ' ')}")
    ax.set_title(f"{task_name}: mean over seeds, band = min..max")
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _bars(
    ax: Axes,
    groups: list[str],
    algorithms: list[str],
    table: dict[tuple[str, str], Estimate],
    which: str,
) -> None:
    """Grouped bars of ``which`` (``median`` / ``iqm``) with their intervals."""
    width = 0.8 / max(len(algorithms), 1)
    x = np.arange(len(groups))
    for i, algorithm in enumerate(algorithms):
        heights, errors, positions = [], [[], []], []
        for j, group in enumerate(groups):
            estimate = table.get((group, algorithm))
            if estimate is None:
                continue
            value, (low, high) = getattr(estimate, which), getattr(estimate, f"{which}_ci")
            heights.append(value)
            errors[0].append(max(value - low, 0.0))
            errors[1].append(max(high - value, 0.0))
            positions.append(x[j] + (i - (len(algorithms) - 1) / 2) * width)
        ax.bar(positions, heights, width, yerr=errors, capsize=3, label=algorithm)
    ax.set_xticks(x, groups, rotation=20)
    ax.set_ylim(0.0, 1.05)
    ax.set_title(f"final eval success, {which.upper() if which == 'iqm' else which}")
    ax.grid(axis="y", alpha=0.3)


def plot_aggregate(
    path: Path, pairs: list[PairAggregate], algorithms: list[AlgorithmAggregate], confidence: float
) -> Path:
    """Write ``path``: final success per task and over all tasks, median and IQM panels."""
    table: dict[tuple[str, str], Estimate] = {}
    for pair in pairs:
        if pair.estimates["final_success"] is not None:
            table[(pair.task, pair.algorithm)] = pair.estimates["final_success"]
    for row in algorithms:
        if row.estimates["final_success"] is not None:
            table[(ALL_TASKS, row.algorithm)] = row.estimates["final_success"]
    tasks = list(dict.fromkeys(task for task, _ in table if task != ALL_TASKS))
    groups = [*tasks, ALL_TASKS] if tasks else []
    names = list(dict.fromkeys(a.algorithm for a in algorithms))
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    for ax, which in zip(axes, ("median", "iqm"), strict=True):
        _bars(ax, groups, names, table, which)
    axes[0].set_ylabel(f"success rate ({confidence:.0%} bootstrap CI)")
    axes[1].legend(loc="lower right", fontsize=8)
    if not groups:
        fig.suptitle("no task reports success")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_plots(
    out_dir: Path,
    tasks: dict[str, TaskSpec],
    cells: list[CellResult],
    pairs: list[PairAggregate],
    algorithms: list[AlgorithmAggregate],
    confidence: float,
) -> list[Path]:
    """Every plot under ``out_dir/plots``; returns their paths."""
    folder = out_dir / "plots"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in dict.fromkeys(c.task for c in cells):
        task_cells = [c for c in cells if c.task == name]
        written.append(
            plot_task_curves(folder / f"curves_{name}.png", name, tasks[name], task_cells)
        )
    written.append(plot_aggregate(folder / "aggregate.png", pairs, algorithms, confidence))
    return written
