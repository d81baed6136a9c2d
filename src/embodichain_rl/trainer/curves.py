"""Learning curves (``curves.png``) read back from runs' own TensorBoard event files.

The training curves are means over *completed* episodes, and early in training only the
episodes that end fast (mostly quick successes) have completed: an iteration's raw
``charts/success_rate`` can read 1.0 over 2 episodes while the policy succeeds nowhere
else. So each training point pools the most recent completed episodes, weighted by the
per-iteration count ``charts/episodes``, until it holds at least one "wave" of them (the
largest count any iteration finished, about one episode per env); the points before the
run has completed that many episodes are drawn dotted and faint, and the success panel
shows the running total of completed episodes (dashed) on a second axis.
"""

from __future__ import annotations

import bisect
import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from tensorboard.backend.event_processing.event_accumulator import (
    SCALARS,
    EventAccumulator,
)

log = logging.getLogger(__name__)

# TensorBoard's event reader logs routine file-scanning chatter at INFO ("No path found
# after ..."), which would land in every run's console and train.log.
logging.getLogger("tensorboard").setLevel(logging.WARNING)

PANELS = (
    ("episode return", "charts/episode_return", "eval/episode_return"),
    ("success rate", "charts/success_rate", "eval/success_rate"),
)
"""(title, training tag drawn as a line, eval tag drawn as markers) per panel."""
EPISODES_TAG = "charts/episodes"
"""Episodes completed in each iteration (the weight of its training means)."""
MIN_POOL = 20
"""Fewest completed episodes behind a solid training point, however small the run."""

Series = tuple[list[int], list[float]]


def read_scalars(run_dir: Path, tags: Sequence[str]) -> dict[str, Series]:
    """``{tag: (steps, values)}`` for the tags present in ``run_dir/logs`` (or ``run_dir``)."""
    log_dir = run_dir / "logs" if (run_dir / "logs").is_dir() else run_dir
    accumulator = EventAccumulator(str(log_dir), size_guidance={SCALARS: 0})
    accumulator.Reload()
    available = set(accumulator.Tags().get("scalars", []))
    series: dict[str, Series] = {}
    for tag in tags:
        if tag in available:
            events = accumulator.Scalars(tag)
            series[tag] = ([e.step for e in events], [e.value for e in events])
    return series


@dataclass(frozen=True)
class PooledCurve:
    """A training curve of episode-weighted means over recent completed episodes."""

    steps: list[int]
    values: list[float]
    """Mean over the most recent completed episodes (at least ``pool`` of them when there
    are that many) at each logged step."""
    episodes: list[float]
    """Episodes completed in each iteration."""
    pool: int
    """Episodes pooled per point."""
    first_full: int
    """Index of the first point backed by ``pool`` episodes; the points before it are
    sparse (only the fast episodes had finished)."""


def pool_episodes(means: Series, counts: Series, pool: int | None = None) -> PooledCurve:
    """Pool per-iteration episode means (``means``) weighted by the episodes each
    iteration completed (``counts``, logged at the same steps): every point is the mean of
    the last ``pool`` or more completed episodes (default: the largest per-iteration count,
    at least :data:`MIN_POOL`)."""
    count_at = dict(zip(*counts, strict=True))
    pairs = [(s, v, count_at[s]) for s, v in zip(*means, strict=True) if count_at.get(s, 0) > 0]
    steps = [s for s, _, _ in pairs]
    weights = [n for _, _, n in pairs]
    pool = pool or max(MIN_POOL, round(max(weights, default=0)))
    total = list(itertools.accumulate(weights, initial=0.0))
    weighted = list(itertools.accumulate((v * n for _, v, n in pairs), initial=0.0))
    values = []
    for end in range(1, len(pairs) + 1):
        # the latest start whose window [start, end) still holds ``pool`` episodes
        start = max(0, bisect.bisect_right(total, total[end] - pool) - 1)
        values.append((weighted[end] - weighted[start]) / (total[end] - total[start]))
    first_full = bisect.bisect_left(total, pool) - 1
    return PooledCurve(
        steps=steps,
        values=values,
        episodes=weights,
        pool=pool,
        first_full=min(max(first_full, 0), len(pairs)),
    )


def _draw_training(
    axis: Axes, curve: PooledCurve, colour: str, label: str, counts: Axes | None
) -> None:
    if not curve.steps:
        return
    full = curve.first_full
    if full > 0:
        axis.plot(
            curve.steps[: full + 1],
            curve.values[: full + 1],
            color=colour,
            linewidth=1.0,
            linestyle=":",
            alpha=0.5,
            label=f"{label} (< {curve.pool} episodes done: fast ones only)",
        )
    axis.plot(
        curve.steps[full:],
        curve.values[full:],
        color=colour,
        linewidth=1.2,
        label=f"{label} (train, mean of last ≥{curve.pool} episodes)",
    )
    if counts is not None:
        done = list(itertools.accumulate(curve.episodes))
        counts.plot(curve.steps, done, color=colour, linewidth=0.8, linestyle="--", alpha=0.35)


def plot_runs(run_dirs: Sequence[Path], output: Path) -> Path:
    """Plot episode return and success rate against env steps for every run (training
    curves as lines, evaluations as markers) into ``output``; returns ``output``."""
    tags = [tag for _, train_tag, eval_tag in PANELS for tag in (train_tag, eval_tag)]
    figure, axes = plt.subplots(
        1, len(PANELS), figsize=(6 * len(PANELS), 4), squeeze=False, layout="constrained"
    )
    counts_axis: Axes | None = None
    try:
        found = False
        for index, run_dir in enumerate(run_dirs):
            series = read_scalars(Path(run_dir), [*tags, EPISODES_TAG])
            found |= bool(series)
            colour = f"C{index % 10}"
            label = _short(Path(run_dir).resolve().name)
            for axis, (title, train_tag, eval_tag) in zip(axes[0], PANELS, strict=True):
                if train_tag in series and EPISODES_TAG in series:
                    if title == "success rate" and counts_axis is None:
                        counts_axis = axis.twinx()
                        counts_axis.set_ylabel("episodes completed (total, dashed)", alpha=0.6)
                    curve = pool_episodes(series[train_tag], series[EPISODES_TAG])
                    twin = counts_axis if title == "success rate" else None
                    _draw_training(axis, curve, colour, label, twin)
                elif train_tag in series:
                    axis.plot(*series[train_tag], color=colour, linewidth=1.2, label=label)
                if eval_tag in series:
                    axis.plot(
                        *series[eval_tag],
                        color=colour,
                        linestyle="none",
                        marker="o",
                        markersize=5,
                        label=f"{label} (eval)",
                    )
                axis.set_title(title)
        if not found:
            log.warning("no scalars found in %s", ", ".join(str(d) for d in run_dirs))
        for axis in axes[0]:
            axis.set_xlabel("env steps")
            axis.grid(alpha=0.3)
            if axis.has_data():
                axis.legend(fontsize="small")
        axes[0][1].set_ylim(-0.05, 1.05)
        output.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(output, dpi=100)
    finally:
        plt.close(figure)
    return output


def _short(name: str, limit: int = 40) -> str:
    """Legend label: run directory names of sweeps can be hundreds of characters long."""
    return name if len(name) <= limit else f"{name[: limit - 1]}…"
