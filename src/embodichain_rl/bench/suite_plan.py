"""The cells of one ``embodichain-bench suite`` invocation: which (task, algorithm, seed)
run, with which Hydra overrides, in which directory, and which are already done.

Planning composes every (task, algorithm) pair's config and puts it through the trainer's
own preflight (schema, ranges, device, pairing of policy and algorithm) before any cell
trains, so a spec naming an option that does not exist fails in one line naming the cell.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from omegaconf import DictConfig

from embodichain_rl.bench.suite_cell import CellResult, read_cell
from embodichain_rl.bench.suite_spec import SuiteSpec, SuiteSpecError, TaskSpec
from embodichain_rl.config.compose import compose_config
from embodichain_rl.config.errors import ConfigError, did_you_mean
from embodichain_rl.trainer.checkpoint import CheckpointError
from embodichain_rl.trainer.preflight import preflight

QUIET_CELL = ("logging.progress_bar=false", "checkpoint.save_freq=0", "checkpoint.last_freq=0")
"""What every cell turns off: the console bar and periodic checkpoints (the final
``last.pt`` is still written)."""


@dataclass(frozen=True)
class Selection:
    """What the command line picked and changed."""

    tasks: tuple[str, ...] | None = None
    """Tasks to run (``None``: all of the spec's)."""
    algorithms: tuple[str, ...] | None = None
    """Algorithms to run (``None``: all of the spec's)."""
    seeds: tuple[int, ...] | None = None
    """Seeds to run (``None``: the spec's)."""
    iterations: int | None = None
    """``runtime.iterations`` of every cell, instead of the tasks' budgets."""
    smoke: bool = False
    """Run every cell at the spec's smoke scale."""
    device: str = "cpu"
    """``runtime.device`` of every cell."""
    extra: tuple[str, ...] = ()
    """Hydra overrides for every cell, applied last."""


@dataclass(frozen=True)
class PlannedCell:
    """One cell to report (and to run, unless done)."""

    task: str
    algorithm: str
    seed: int
    overrides: tuple[str, ...]
    """Everything ``Trainer.from_overrides`` gets."""
    cell_dir: Path
    """``<out>/cells/<task>/<algorithm>/seed_<seed>``: ``cell.json`` and the run in ``run/``."""

    @property
    def label(self) -> str:
        """``task/algorithm/seed N``."""
        return f"{self.task}/{self.algorithm}/seed {self.seed}"

    @property
    def run_dir(self) -> Path:
        """The trainer's run directory."""
        return self.cell_dir / "run"


def _pick(chosen: tuple[str, ...] | None, known: list[str], flag: str) -> list[str]:
    if chosen is None:
        return known
    for name in chosen:
        if name not in known:
            raise SuiteSpecError(
                f"{flag}: unknown name {name!r}{did_you_mean(name, known)}; valid: "
                f"{', '.join(known)}"
            )
    return [name for name in known if name in chosen]


def iterations_for(env_steps: int, steps_per_iteration: int) -> int:
    """Whole iterations that collect at least ``env_steps`` (at least one)."""
    return max(1, math.ceil(env_steps / steps_per_iteration))


def budget_overrides(
    steps_per_iteration: Callable[[], int], task: TaskSpec, spec: SuiteSpec, selection: Selection
) -> list[str]:
    """``runtime.iterations`` and ``eval.freq`` of a pair: the smoke scale, else
    ``--iterations``, else the task's env-step budget and eval grid converted with the
    pair's ``env.num_envs x runtime.rollout_steps`` (``steps_per_iteration`` composes the
    pair's config to read them, only when a conversion needs it)."""
    if selection.smoke:
        iterations = selection.iterations or spec.smoke.iterations
        return [f"runtime.iterations={iterations}", f"eval.freq={spec.smoke.eval_every}"]
    sized = []
    if selection.iterations is not None:
        sized.append(f"runtime.iterations={selection.iterations}")
    elif task.env_steps is not None:
        sized.append(f"runtime.iterations={iterations_for(task.env_steps, steps_per_iteration())}")
    if task.eval_every_steps is not None:
        every = iterations_for(task.eval_every_steps, steps_per_iteration())
        sized.append(f"eval.freq={every}")
    return sized


def _checked(overrides: list[str], label: str) -> DictConfig:
    """The composed config of ``overrides`` after the trainer's preflight (no run dir)."""
    try:
        cfg = compose_config(overrides)
        preflight(cfg, None, overrides=overrides)
    except (ConfigError, CheckpointError) as error:
        raise SuiteSpecError(f"cell {label}: {error}") from None
    return cfg


def pair_overrides(spec: SuiteSpec, task: str, algorithm: str, selection: Selection) -> list[str]:
    """A pair's overrides before its budget: quiet cell, task, algorithm, pair, smoke."""
    algo = spec.algorithms[algorithm]
    overrides = [
        *QUIET_CELL,
        *spec.tasks[task].overrides,
        *algo.overrides,
        *spec.pairs.get(f"{task}/{algorithm}", ()),
    ]
    if selection.smoke:
        overrides += [*spec.smoke.overrides, *algo.smoke_overrides]
    return overrides


def _steps_per_iteration(overrides: list[str], label: str) -> int:
    """``env.num_envs x runtime.rollout_steps`` of the checked config of ``overrides``."""
    cfg = _checked(overrides, label)
    return int(cfg.runtime.rollout_steps) * int(cfg.env.num_envs)


def _pair_cells(
    spec: SuiteSpec,
    task: str,
    algorithm: str,
    selection: Selection,
    seeds: list[int],
    out_dir: Path,
) -> list[PlannedCell]:
    """One pair's cells, its overrides checked once (the seed does not change them)."""
    label = f"{task}/{algorithm}"
    head = pair_overrides(spec, task, algorithm, selection)
    tail = [f"runtime.device={selection.device}", *selection.extra]
    layout = functools.cache(functools.partial(_steps_per_iteration, [*head, *tail], label))
    budget = budget_overrides(layout, spec.tasks[task], spec, selection)
    _checked([*head, *budget, *tail], label)
    return [
        PlannedCell(
            task,
            algorithm,
            seed,
            (*head, *budget, f"runtime.seed={seed}", *tail),
            out_dir / "cells" / task / algorithm / f"seed_{seed}",
        )
        for seed in seeds
    ]


def plan_cells(spec: SuiteSpec, selection: Selection, out_dir: Path) -> list[PlannedCell]:
    """Every selected cell with its checked overrides, in report order (task, algorithm,
    seed); raises :class:`SuiteSpecError` naming the first cell that does not compose."""
    tasks = _pick(selection.tasks, list(spec.tasks), "--tasks")
    algorithms = _pick(selection.algorithms, list(spec.algorithms), "--algorithms")
    seeds = list(selection.seeds) if selection.seeds is not None else list(spec.seeds)
    cells = []
    for task in tasks:
        for algorithm in algorithms:
            if not spec.applies(task, algorithm):
                continue
            cells += _pair_cells(spec, task, algorithm, selection, seeds, out_dir)
    if not cells:
        raise SuiteSpecError("no cell: none of the selected algorithms applies to the tasks")
    return cells


def finished(cell: PlannedCell) -> CellResult | None:
    """The cell's result when it already ran to the end with the same overrides; ``None``
    when it must run (never ran, was cut short, or failed). A finished cell made with other
    overrides is refused: mixing budgets in one report would mislead."""
    result = read_cell(cell.cell_dir)
    if result is None or result.status != "ok":
        return None
    if tuple(result.overrides) != cell.overrides:
        raise SuiteSpecError(
            f"cell {cell.label}: {cell.cell_dir} holds a result made with other overrides; "
            "pass --fresh to run it again, or choose another --out-dir"
        )
    return result
