"""Learning curves (``curves.png``) read back from runs' own TensorBoard event files."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
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


def plot_runs(run_dirs: Sequence[Path], output: Path) -> Path:
    """Plot episode return and success rate against env steps for every run (training
    curves as lines, evaluations as markers) into ``output``; returns ``output``."""
    tags = [tag for _, train_tag, eval_tag in PANELS for tag in (train_tag, eval_tag)]
    figure, axes = plt.subplots(
        1, len(PANELS), figsize=(6 * len(PANELS), 4), squeeze=False, layout="constrained"
    )
    try:
        found = False
        for index, run_dir in enumerate(run_dirs):
            series = read_scalars(Path(run_dir), tags)
            found |= bool(series)
            colour = f"C{index % 10}"
            label = _short(Path(run_dir).resolve().name)
            for axis, (title, train_tag, eval_tag) in zip(axes[0], PANELS, strict=True):
                if train_tag in series:
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
