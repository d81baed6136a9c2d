"""The sweep plot: objective per group of swept values, seeds aggregated (mean ± std)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path

from embodichain_rl.sweep.records import JobRecord, swept_keys
from embodichain_rl.sweep.status import OK


def is_seed_key(key: str) -> bool:
    """Keys aggregated over rather than grouped by (``runtime.seed``, ``algorithm.seed``)."""
    return key.rsplit(".", 1)[-1] == "seed"


@dataclass
class Group:
    """Jobs that share every swept value except the seed."""

    label: str
    objectives: list[float] = field(default_factory=list)
    """Objectives of the jobs that finished."""
    not_ok: int = 0
    """Jobs in the group that failed or did not finish."""

    @property
    def mean(self) -> float:
        return statistics.fmean(self.objectives) if self.objectives else 0.0

    @property
    def spread(self) -> float:
        return statistics.pstdev(self.objectives) if len(self.objectives) > 1 else 0.0


def _short_names(keys: list[str]) -> dict[str, str]:
    tails = [key.rsplit(".", 1)[-1] for key in keys]
    return {k: t if tails.count(t) == 1 else k for k, t in zip(keys, tails, strict=True)}


def _format(value: str) -> str:
    try:
        return f"{float(value):.3g}"
    except ValueError:
        return value


def group_jobs(records: list[JobRecord]) -> list[Group]:
    """Group ``records`` by their non-seed swept values, in first-seen order."""
    keys = [key for key in swept_keys(records) if not is_seed_key(key)]
    names = _short_names(keys)
    groups: dict[str, Group] = {}
    for record in records:
        params = record.params
        label = "\n".join(f"{names[k]}={_format(params.get(k, '-'))}" for k in keys) or "all jobs"
        group = groups.setdefault(label, Group(label=label))
        if record.status == OK and record.objective is not None:
            group.objectives.append(record.objective)
        else:
            group.not_ok += 1
    return list(groups.values())


def _tick(group: Group) -> str:
    counts = f"n={len(group.objectives)}" + (f", {group.not_ok} failed" if group.not_ok else "")
    return f"{group.label}\n({counts})"


def plot_objectives(records: list[JobRecord], path: Path, *, title: str) -> None:
    """Bar per group (mean objective, ± population std over seeds), a dot per job, and
    the count of failed jobs under each bar; saved as a PNG at ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = group_jobs(records)
    positions = list(range(len(groups)))
    figure, axes = plt.subplots(figsize=(max(4.0, 1.2 * len(groups) + 2.0), 4.5))
    try:
        axes.bar(
            positions,
            [g.mean for g in groups],
            yerr=[g.spread for g in groups],
            capsize=4,
            color="tab:blue",
            alpha=0.6,
            label="mean ± std over seeds",
        )
        for x, group in zip(positions, groups, strict=True):
            axes.scatter([x] * len(group.objectives), group.objectives, color="black", s=12)
        axes.set_xticks(positions, [_tick(g) for g in groups], fontsize=8)
        values = [v for g in groups for v in g.objectives]
        if all(0.0 <= v <= 1.0 for v in values):
            axes.set_ylim(0.0, 1.05)
        axes.set_ylabel("objective (final eval success)")
        axes.set_title(title, fontsize=9)
        axes.legend(fontsize=8)
        figure.tight_layout()
        figure.savefig(path, dpi=100)
    finally:
        plt.close(figure)
