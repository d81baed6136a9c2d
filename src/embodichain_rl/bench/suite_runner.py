"""Running the cells of ``embodichain-bench suite`` through the Python API
(``Trainer.from_overrides(...).learn()``) and writing every result file."""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path

import torch

from embodichain_rl.bench.env_fps import EnvFpsCache
from embodichain_rl.bench.suite_aggregate import aggregate
from embodichain_rl.bench.suite_cell import CellResult, SuiteMeter, crossings, write_cell
from embodichain_rl.bench.suite_plan import PlannedCell
from embodichain_rl.bench.suite_plots import write_plots
from embodichain_rl.bench.suite_report import (
    markdown_report,
    write_cells_csv,
    write_pairs_csv,
    write_results_json,
)
from embodichain_rl.bench.suite_spec import SuiteSpec
from embodichain_rl.trainer.interrupt import TrainingInterrupted
from embodichain_rl.trainer.summary import TrainSummary
from embodichain_rl.trainer.trainer import Trainer

log = logging.getLogger(__name__)


def _base(cell: PlannedCell, spec: SuiteSpec) -> dict[str, object]:
    task = spec.tasks[cell.task]
    return {
        "task": cell.task,
        "algorithm": cell.algorithm,
        "seed": cell.seed,
        "metric": task.metric,
        "threshold": task.threshold,
        "run_dir": str(cell.run_dir),
        "overrides": list(cell.overrides),
    }


def failed_result(cell: PlannedCell, spec: SuiteSpec, error: BaseException) -> CellResult:
    """The record of a cell whose run raised ``error`` (it runs again on resume)."""
    none = dict.fromkeys(
        (
            "env_fps",
            "final_success",
            "final_return",
            "sustained_success",
            "sustained_return",
            "hit_env_steps",
            "hit_seconds",
            "sustained_hit_env_steps",
        )
    )
    reason = " ".join(f"{type(error).__name__}: {error}".split())
    return CellResult(
        **_base(cell, spec),  # type: ignore[arg-type]
        **none,  # type: ignore[arg-type]
        status="failed",
        iterations=0,
        env_steps=0,
        wall_s=0.0,
        build_s=0.0,
        train_fps=0.0,
        evaluations=0,
        error=reason,
    )


def _result(
    cell: PlannedCell,
    spec: SuiteSpec,
    meter: SuiteMeter,
    summary: TrainSummary,
    *,
    build_s: float,
    env_fps: float | None,
) -> CellResult:
    task = spec.tasks[cell.task]
    found = crossings(
        meter.points,
        metric=task.metric,
        threshold=task.threshold,
        window=spec.final_window,
        sustain=spec.sustain,
    )
    return CellResult(
        **_base(cell, spec),  # type: ignore[arg-type]
        status="ok",
        iterations=summary.iterations,
        env_steps=summary.global_steps,
        wall_s=summary.wall_time_s,
        build_s=build_s,
        train_fps=summary.sps,
        env_fps=env_fps,
        final_success=found.final_success,
        final_return=found.final_return,
        sustained_success=found.sustained_success,
        sustained_return=found.sustained_return,
        hit_env_steps=found.hit_env_steps,
        hit_seconds=found.hit_seconds,
        sustained_hit_env_steps=found.sustained_hit_env_steps,
        evaluations=len(meter.points),
        evals=meter.points,
    )


def run_cell(cell: PlannedCell, spec: SuiteSpec, fps: EnvFpsCache) -> CellResult:
    """Train ``cell`` from scratch in its directory (anything left there by an earlier,
    unfinished attempt is removed first) and write its ``cell.json``. A run that raises is
    recorded as failed and the suite goes on; an interrupt (Ctrl-C, SIGTERM) stops it."""
    if cell.cell_dir.exists():
        shutil.rmtree(cell.cell_dir)
    meter = SuiteMeter()
    try:
        start = time.perf_counter()
        trainer = Trainer.from_overrides(
            list(cell.overrides), run_dir=cell.run_dir, callbacks=[meter]
        )
        build_s = time.perf_counter() - start
        with trainer:
            env_fps = fps.fps(trainer.cfg.env)
            with torch.enable_grad():
                summary = trainer.learn()
        result = _result(cell, spec, meter, summary, build_s=build_s, env_fps=env_fps)
    except (TrainingInterrupted, KeyboardInterrupt):
        raise
    except Exception as error:  # a diverged or crashed cell is reported, the others still run
        log.warning("cell %s failed", cell.label, exc_info=True)
        result = failed_result(cell, spec, error)
    write_cell(cell.cell_dir, result)
    return result


def write_reports(
    out_dir: Path, spec: SuiteSpec, cells: list[CellResult], header: list[str]
) -> tuple[str, list[Path]]:
    """Write ``report.md``, ``cells.csv``, ``pairs.csv``, ``results.json`` and the plots
    under ``out_dir``; returns the markdown and the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pairs, algorithms = aggregate(cells, spec)
    report = markdown_report(cells, pairs, algorithms, spec, header)
    paths = [out_dir / name for name in ("report.md", "cells.csv", "pairs.csv", "results.json")]
    paths[0].write_text(report)
    write_cells_csv(paths[1], cells)
    write_pairs_csv(paths[2], pairs)
    write_results_json(paths[3], cells, pairs, algorithms, spec)
    paths += write_plots(out_dir, spec.tasks, cells, pairs, algorithms, spec.confidence)
    return report, paths
