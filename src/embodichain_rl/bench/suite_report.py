"""The written results of ``embodichain-bench suite``: the markdown tables (``report.md``),
every cell (``cells.csv``, ``results.json``) and the aggregates (``pairs.csv``,
``results.json``). Plots are in :mod:`embodichain_rl.bench.suite_plots`."""

from __future__ import annotations

import csv
import json
import math
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from embodichain_rl.bench.suite_aggregate import (
    ALGORITHM_METRICS,
    PAIR_METRICS,
    AlgorithmAggregate,
    Estimate,
    PairAggregate,
)
from embodichain_rl.bench.suite_cell import CellResult
from embodichain_rl.bench.suite_spec import SuiteSpec

CELL_COLUMNS = tuple(f.name for f in fields(CellResult) if f.name not in ("evals", "overrides"))
"""Columns of ``cells.csv`` (every :class:`CellResult` field but the lists)."""


def _num(value: float | None, spec: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return format(value, spec)


def _interval(estimate: Estimate | None, which: str, spec: str) -> str:
    """``value [low, high]`` of the median or the IQM (``-`` without an estimate)."""
    if estimate is None:
        return "-"
    value, (low, high) = getattr(estimate, which), getattr(estimate, f"{which}_ci")
    return f"{value:{spec}} [{low:{spec}}, {high:{spec}}]"


def cell_header(spec: SuiteSpec) -> str:
    """The cell table's header and alignment rows."""
    k = spec.final_window
    return "\n".join(
        [
            f"| task | algorithm | seed | final success | final return | last-{k} success | "
            f"last-{k} return | env steps to thr | wall s to thr | sustained env steps to thr | "
            "env steps | wall s | train FPS | env FPS |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
    )


def cell_row(c: CellResult) -> str:
    """One cell's row (``-``: not reported, not reached or not measured)."""
    if c.status != "ok":
        error = (c.error or "").replace("|", "/")
        return f"| {c.task} | {c.algorithm} | {c.seed} | failed: {error} |"
    return (
        f"| {c.task} | {c.algorithm} | {c.seed} | {_num(c.final_success, '.3f')} | "
        f"{_num(c.final_return, '.2f')} | {_num(c.sustained_success, '.3f')} | "
        f"{_num(c.sustained_return, '.2f')} | {_num(c.hit_env_steps, ',')} | "
        f"{_num(c.hit_seconds, '.1f')} | {_num(c.sustained_hit_env_steps, ',')} | "
        f"{c.env_steps:,} | {c.wall_s:.1f} | {c.train_fps:,.0f} | {_num(c.env_fps, ',.0f')} |"
    )


def cell_table(cells: list[CellResult], spec: SuiteSpec) -> str:
    """Every cell, one row each."""
    return "\n".join([cell_header(spec), *(cell_row(c) for c in cells)])


def pair_table(rows: list[PairAggregate], spec: SuiteSpec) -> str:
    """Per (task, algorithm): median and IQM over seeds with their intervals."""
    k, level = spec.final_window, f"{spec.confidence:.0%}"
    lines = [
        f"| task | algorithm | threshold | runs | final success median [{level} CI] | "
        f"final success IQM [{level} CI] | last-{k} success IQM [{level} CI] | "
        f"final return IQM [{level} CI] | reached | env steps to thr (median) | "
        "wall s to thr (median) | train FPS (median) | env FPS (median) |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        task = spec.tasks.get(r.task)
        threshold = "-" if task is None else f"{task.metric} >= {task.threshold:g}"
        e = r.estimates
        fps = e["train_fps"]
        runs = f"{r.runs}" + (f" (+{r.failed} failed)" if r.failed else "")
        lines.append(
            f"| {r.task} | {r.algorithm} | {threshold} | {runs} | "
            f"{_interval(e['final_success'], 'median', '.3f')} | "
            f"{_interval(e['final_success'], 'iqm', '.3f')} | "
            f"{_interval(e['sustained_success'], 'iqm', '.3f')} | "
            f"{_interval(e['final_return'], 'iqm', '.2f')} | {r.reached}/{r.runs} | "
            f"{_num(r.hit_env_steps, ',.0f')} | {_num(r.hit_seconds, '.1f')} | "
            f"{_num(None if fps is None else fps.median, ',.0f')} | {_num(r.env_fps, ',.0f')} |"
        )
    return "\n".join(lines)


def algorithm_table(rows: list[AlgorithmAggregate], spec: SuiteSpec) -> str:
    """Per algorithm over tasks (stratified bootstrap over each task's seeds)."""
    k, level = spec.final_window, f"{spec.confidence:.0%}"
    lines = [
        f"| algorithm | tasks | runs | final success median [{level} CI] | "
        f"final success IQM [{level} CI] | last-{k} success IQM [{level} CI] |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        final, held = r.estimates["final_success"], r.estimates["sustained_success"]
        runs = "-" if final is None else str(final.runs)
        lines.append(
            f"| {r.algorithm} | {', '.join(r.tasks) or '-'} | {runs} | "
            f"{_interval(final, 'median', '.3f')} | {_interval(final, 'iqm', '.3f')} | "
            f"{_interval(held, 'iqm', '.3f')} |"
        )
    return "\n".join(lines)


def markdown_report(
    cells: list[CellResult],
    pairs: list[PairAggregate],
    algorithms: list[AlgorithmAggregate],
    spec: SuiteSpec,
    header: list[str],
) -> str:
    """The whole ``report.md``."""
    notes = (
        f"last-{spec.final_window}: mean of the last {spec.final_window} evaluations; "
        f"sustained crossing: {spec.sustain} consecutive evaluations at or above the "
        f"threshold; intervals: percentile, {spec.bootstrap_samples} stratified bootstrap "
        f"replicates (seed {spec.bootstrap_seed}); columns: docs/benchmark_suite.md"
    )
    return "\n".join(
        [
            f"# Benchmark suite `{spec.name}`",
            "",
            *header,
            notes,
            "",
            "## Tasks x algorithms (over seeds)",
            "",
            pair_table(pairs, spec),
            "",
            "## Algorithms over tasks (success, stratified over tasks)",
            "",
            algorithm_table(algorithms, spec),
            "",
            "## Cells",
            "",
            cell_table(cells, spec),
            "",
        ]
    )


def _csv_value(value: Any) -> Any:
    return "" if value is None else value


def write_cells_csv(path: Path, cells: list[CellResult]) -> None:
    """One row per cell, columns :data:`CELL_COLUMNS` (empty: not measured / not reached)."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CELL_COLUMNS)
        for cell in cells:
            row = cell.as_dict()
            writer.writerow([_csv_value(row[name]) for name in CELL_COLUMNS])


def _flat_pair(row: PairAggregate) -> dict[str, Any]:
    flat: dict[str, Any] = {
        "task": row.task,
        "algorithm": row.algorithm,
        "runs": row.runs,
        "failed": row.failed,
        "reached": row.reached,
    }
    for name in PAIR_METRICS:
        e = row.estimates[name]
        for which in ("median", "iqm"):
            value, interval = (
                (None, (None, None))
                if e is None
                else (
                    getattr(e, which),
                    getattr(e, f"{which}_ci"),
                )
            )
            flat[f"{name}_{which}"] = value
            flat[f"{name}_{which}_low"], flat[f"{name}_{which}_high"] = interval
    for name in ("hit_env_steps", "hit_seconds", "sustained_hit_env_steps", "env_fps"):
        flat[f"{name}_median"] = getattr(row, name)
    return flat


def write_pairs_csv(path: Path, rows: list[PairAggregate]) -> None:
    """One row per (task, algorithm): every estimate and interval bound as a column."""
    flat = [_flat_pair(r) for r in rows]
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(flat[0]) if flat else ["task"])
        writer.writeheader()
        for row in flat:
            writer.writerow({k: _csv_value(v) for k, v in row.items()})


def write_results_json(
    path: Path,
    cells: list[CellResult],
    pairs: list[PairAggregate],
    algorithms: list[AlgorithmAggregate],
    spec: SuiteSpec,
) -> None:
    """Every cell (evaluations included) and every aggregate, with the suite's settings."""
    payload = {
        "suite": asdict(spec),
        "metrics": {"pairs": list(PAIR_METRICS), "algorithms": list(ALGORITHM_METRICS)},
        "cells": [c.as_dict() for c in cells],
        "pairs": [asdict(r) for r in pairs],
        "algorithms": [asdict(r) for r in algorithms],
    }
    path.write_text(json.dumps(_finite(payload), indent=2, allow_nan=False, default=str))


def _finite(value: Any) -> Any:
    """``value`` with every NaN or infinite float replaced by ``None`` (strict JSON)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value
