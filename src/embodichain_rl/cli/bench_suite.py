"""``embodichain-bench suite``: train every cell (task x algorithm x seed) of a suite spec
through the Python API and report per cell and per (task, algorithm): final and sustained
eval success and return, env steps and wall time to each task's threshold, training and
env-only FPS, medians and IQMs over seeds with stratified-bootstrap intervals; writes a
markdown report, CSV/JSON files and plots under ``--out-dir``. Cells already finished there
with the same overrides are skipped, so running the same command again resumes a suite.
Format, flags and every column: docs/benchmark_suite.md.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch

from embodichain_rl.bench.env_fps import EnvFpsCache
from embodichain_rl.bench.suite_cell import CellResult
from embodichain_rl.bench.suite_plan import PlannedCell, Selection, finished, plan_cells
from embodichain_rl.bench.suite_report import cell_header, cell_row
from embodichain_rl.bench.suite_runner import run_cell, write_reports
from embodichain_rl.bench.suite_spec import SuiteSpec, SuiteSpecError, load_spec
from embodichain_rl.cli.app_args import UsageError

DEFAULT_OUT = "outputs/suite_{name}"
"""``--out-dir`` unless given (fixed, so that the same command resumes)."""


def _selection(args: argparse.Namespace, device: torch.device) -> Selection:
    return Selection(
        tasks=tuple(args.tasks) if args.tasks else None,
        algorithms=tuple(args.algorithms) if args.algorithms else None,
        seeds=tuple(args.seeds) if args.seeds else None,
        iterations=args.iterations,
        smoke=args.smoke,
        device=str(device),
        extra=tuple(args.override),
    )


def _plan(
    args: argparse.Namespace, device: torch.device
) -> tuple[SuiteSpec, Path, list[PlannedCell], dict[PlannedCell, CellResult]]:
    """The spec, the output directory, every selected cell and the finished ones; bad
    input raises :class:`UsageError` (one line) before anything trains."""
    try:
        spec = load_spec(args.suite)
        out_dir = Path(args.out_dir or DEFAULT_OUT.format(name=spec.name))
        cells = plan_cells(spec, _selection(args, device), out_dir)
        done = {} if args.fresh else {c: r for c in cells if (r := finished(c)) is not None}
    except SuiteSpecError as error:
        raise UsageError(str(error)) from None
    return spec, out_dir, cells, done


def _header(args: argparse.Namespace, spec: SuiteSpec, device: torch.device) -> list[str]:
    from embodichain_rl.cli.bench import _header as machine

    scale = "smoke" if args.smoke else "each task's budget"
    if args.iterations:
        scale += f", runtime.iterations={args.iterations}"
    return [
        f"- {time.strftime('%Y-%m-%d %H:%M:%S')}, {machine(device)}",
        f"- suite `{args.suite}`, scale: {scale}, extra overrides: {args.override or 'none'}",
    ]


def run_suite(args: argparse.Namespace) -> int:
    """``embodichain-bench suite``."""
    from embodichain_rl.cli.bench import _device

    if args.threads:
        torch.set_num_threads(args.threads)
    device = _device(args.device)
    spec, out_dir, cells, done = _plan(args, device)
    todo = [c for c in cells if c not in done]
    print(
        f"suite {spec.name}: {len(cells)} cells, {len(done)} done, {len(todo)} to run -> {out_dir}"
    )
    if args.dry_run:
        for cell in cells:
            state = "done" if cell in done else "to run"
            print(f"  {cell.label:<36} {state:<7} {' '.join(cell.overrides)}")
        return 0
    header = _header(args, spec, device)
    print("\n".join(header))
    print(cell_header(spec), flush=True)
    fps = EnvFpsCache(device, steps=args.env_fps_steps)
    results = []
    for cell in cells:
        if cell in done:
            result = done[cell]
        elif args.report_only:
            continue
        else:
            result = run_cell(cell, spec, fps)
        results.append(result)
        print(cell_row(result), flush=True)
    report, paths = write_reports(out_dir, spec, results, header)
    print()
    print(report)
    print(f"wrote {', '.join(str(p) for p in paths)}")
    failed = [r for r in results if r.status != "ok"]
    if failed:
        print(f"{len(failed)} cells failed (their cell.json holds the error); run again to retry")
    return 1 if failed else 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def add_suite(sub: argparse._SubParsersAction) -> None:
    """Register the ``suite`` subcommand."""
    p = sub.add_parser(
        "suite", help="tasks x algorithms x seeds: success, time to threshold, FPS, aggregates"
    )
    p.add_argument("--suite", default="default", help="a shipped suite name or a spec .yaml")
    p.add_argument("--tasks", nargs="+", default=None, help="run only these tasks")
    p.add_argument("--algorithms", nargs="+", default=None, help="run only these algorithms")
    p.add_argument("--seeds", type=int, nargs="+", default=None, help="instead of the spec's")
    p.add_argument(
        "--iterations", type=_positive, default=None, help="runtime.iterations of every cell"
    )
    p.add_argument("--smoke", action="store_true", help="every cell at the spec's smoke scale")
    p.add_argument("--out-dir", default=None, help="default: outputs/suite_<name>")
    p.add_argument("--fresh", action="store_true", help="run finished cells again too")
    p.add_argument("--report-only", action="store_true", help="report finished cells, train none")
    p.add_argument("--dry-run", action="store_true", help="check and list the cells, train none")
    p.add_argument(
        "--env-fps-steps", type=int, default=100, help="timed env-only steps per env (0: skip)"
    )
    p.add_argument("--device", default="auto", help="auto | cpu | cuda[:i]")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: default)")
    p.add_argument(
        "--override", nargs="*", default=[], help="extra Hydra overrides for every cell (last)"
    )
    p.set_defaults(func=run_suite)
