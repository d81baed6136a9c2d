"""``embodichain-bench algorithms``: train several presets one after another, in one process,
and compare them side by side: env steps and wall time until the eval success rate first
reaches ``--target``, final and best success, and the update's throughput (gradient steps/s
and samples/s). Prints a markdown table.

A preset is ``ppo`` (the default ``embodichain-train`` config: PushCube, PPO) or the name of
an experiment preset (``+experiment=<name>``, e.g. ``push_cube_sac``). ``--max-env-steps``
and ``--eval-every`` are given in env steps and converted to each preset's iterations, so
that presets with different ``num_envs x rollout_steps`` get the same budget and the same
evaluation grid.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import torch
from hydra import compose, initialize_config_module
from omegaconf import DictConfig, OmegaConf

from embodichain_rl.callbacks.base import Callback
from embodichain_rl.cli.app_args import EXIT_BAD_INPUT, UsageError
from embodichain_rl.cli.bench_tts import QUIET_RUN
from embodichain_rl.config import register_configs
from embodichain_rl.trainer.trainer import Trainer

if TYPE_CHECKING:
    from embodichain_rl.algorithms.base import BaseAlgorithm

DEFAULT_PRESET = "ppo"
"""The name that stands for the default config (no ``+experiment``)."""


def experiment_presets() -> list[str]:
    """Names of the shipped experiment presets (``conf/experiment/*.yaml``)."""
    folder = resources.files("embodichain_rl.conf") / "experiment"
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))


def preset_overrides(preset: str) -> list[str]:
    """The Hydra overrides that select ``preset``; a one-line error names the valid ones."""
    if preset == DEFAULT_PRESET:
        return []
    known = experiment_presets()
    if preset not in known:
        valid = ", ".join([DEFAULT_PRESET, *known])
        raise UsageError(f"--presets: unknown preset {preset!r}; valid: {valid}")
    return [f"+experiment={preset}"]


def iterations_for(env_steps: int, steps_per_iteration: int) -> int:
    """Iterations that collect at least ``env_steps`` (at least one)."""
    return max(1, math.ceil(env_steps / steps_per_iteration))


def compose_preset(
    preset: str,
    *,
    seed: int | None,
    max_env_steps: int | None,
    eval_every: int | None,
    overrides: list[str],
) -> DictConfig:
    """The ``train`` config of ``preset`` with the budget and eval grid in env steps."""
    register_configs()
    base = [*preset_overrides(preset), *overrides]
    if seed is not None:
        base.append(f"runtime.seed={seed}")
    with initialize_config_module("embodichain_rl.conf", version_base="1.3"):
        cfg = compose("train", base)
        per_iteration = cfg.runtime.rollout_steps * cfg.env.num_envs
        sized = []
        if max_env_steps is not None:
            sized.append(f"runtime.iterations={iterations_for(max_env_steps, per_iteration)}")
        if eval_every is not None:
            sized.append(f"eval.freq={iterations_for(eval_every, per_iteration)}")
        if sized:
            cfg = compose("train", [*base, *sized])
    return cfg


def gradient_steps_per_update(cfg: DictConfig, algorithm: BaseAlgorithm) -> tuple[int, int]:
    """(gradient steps, samples) of one ``update()`` that trains: off-policy learners take
    ``updates_per_step * rollout_steps`` steps of ``batch_size`` transitions (critic steps;
    TD3's delayed actor steps are not counted separately); PPO takes ``n_epochs`` passes of
    its minibatches over the rollout (every epoch: ``target_kl`` stops are not seen here)."""
    alg, steps = cfg.algorithm, cfg.runtime.rollout_steps
    if "updates_per_step" in alg:
        count = int(alg.updates_per_step) * steps
        return count, count * int(alg.batch_size)
    batch = int(algorithm.minibatch_size)
    count = int(alg.n_epochs) * (steps * cfg.env.num_envs // batch)
    return count, count * batch


class ComparisonMeter(Callback):
    """Records the first evaluation at or above ``target`` (and optionally stops there),
    the best and latest eval success, and the update's time and gradient steps over the
    iterations that trained after the first one (an off-policy learner's warm-up iterations
    do not train; the first training update is left out because it compiles under
    ``runtime.compile=compile`` and warms caches otherwise)."""

    def __init__(self, *, target: float, stop: bool) -> None:
        self.target = target
        """Eval success rate that counts as solved."""
        self.stop = stop
        """Ask the trainer to stop at the first evaluation reaching ``target``."""
        self.per_update = (0, 0)
        """(gradient steps, samples) of one training ``update()`` (set once it is built)."""
        self.hit_seconds: float | None = None
        """Wall time from the start of training to that evaluation (evaluations included)."""
        self.hit_step: int | None = None
        """Training env steps at that evaluation."""
        self.best: float | None = None
        """Best eval success rate seen."""
        self.update_seconds = 0.0
        """Seconds spent in training updates (read from the iteration's SPS figures)."""
        self.gradient_steps = 0
        """Gradient steps those updates took."""
        self.samples = 0
        """Samples they processed."""
        self.warmed_up = False
        """Whether the first training update (not timed) has run."""
        self._start = time.perf_counter()

    def on_train_start(self, trainer: Trainer) -> None:
        self._start = time.perf_counter()

    def on_iteration_end(self, trainer: Trainer, metrics: dict[str, float]) -> None:
        trained = any(k.startswith("train/") and k != "train/buffer_fill" for k in metrics)
        if trained and not self.warmed_up:
            self.warmed_up = True
        elif trained:
            steps = trainer.steps_per_iteration
            whole, rollout = steps / metrics["charts/SPS"], steps / metrics["charts/rollout_SPS"]
            self.update_seconds += max(whole - rollout, 0.0)
            self.gradient_steps += self.per_update[0]
            self.samples += self.per_update[1]
        value = metrics.get("eval/success_rate")
        if value is None:
            return
        self.best = value if self.best is None else max(self.best, value)
        if value >= self.target and self.hit_step is None:
            self.hit_seconds = time.perf_counter() - self._start
            self.hit_step = trainer.global_step
            if self.stop:
                trainer.request_stop(f"eval/success_rate={value:.4g} reached {self.target:g}")


@dataclass
class Comparison:
    """One preset's row of the table."""

    preset: str
    seed: int
    algorithm: str
    """The algorithm class's name."""
    layout: str
    """``num_envs x rollout_steps`` per iteration."""
    hit_step: int | None
    hit_seconds: float | None
    final_success: float | None
    """The last evaluation's success rate (at the stop, or the end-of-training one)."""
    best_success: float | None
    env_steps: int
    """Env steps the run collected."""
    seconds: float
    """Wall time of the run (evaluations included, build excluded)."""
    gradient_steps_per_s: float
    samples_per_s: float


def compare(cfg: DictConfig, preset: str, *, target: float, stop: bool) -> Comparison:
    """Train ``cfg`` (in a temporary run dir) and measure it."""
    cfg = cfg.copy()
    for key, value in QUIET_RUN.items():
        OmegaConf.update(cfg, key, value)
    with tempfile.TemporaryDirectory() as run_dir:
        meter = ComparisonMeter(target=target, stop=stop)
        trainer = Trainer.from_config(cfg, run_dir=Path(run_dir) / "run", callbacks=[meter])
        meter.per_update = gradient_steps_per_update(cfg, trainer.algorithm)
        with trainer, torch.enable_grad():
            start = time.perf_counter()
            summary = trainer.learn()
            seconds = time.perf_counter() - start
    rate = meter.update_seconds or math.nan
    best = meter.best
    if summary.eval_success_rate is not None:
        best = max(best if best is not None else 0.0, summary.eval_success_rate)
    return Comparison(
        preset=preset,
        seed=int(cfg.runtime.seed),
        algorithm=type(trainer.algorithm).__name__,
        layout=f"{cfg.env.num_envs} x {cfg.runtime.rollout_steps}",
        hit_step=meter.hit_step,
        hit_seconds=meter.hit_seconds,
        final_success=summary.eval_success_rate,
        best_success=best,
        env_steps=summary.global_steps,
        seconds=seconds,
        gradient_steps_per_s=meter.gradient_steps / rate,
        samples_per_s=meter.samples / rate,
    )


def _number(value: float | None, spec: str) -> str:
    return "-" if value is None or math.isnan(value) else format(value, spec)


def table_header(*, target: float) -> str:
    """The markdown table's header and alignment rows."""
    head = (
        f"| preset | seed | algorithm | envs x steps | env steps to {target:g} | "
        f"wall s to {target:g} | final success | best success | env steps run | wall s | "
        "gradient steps/s | update samples/s |"
    )
    return head + "\n|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"


def table_row(r: Comparison) -> str:
    """One markdown table row (``-``: not reached / not measured)."""
    hit = "-" if r.hit_step is None else f"{r.hit_step:,}"
    return (
        f"| {r.preset} | {r.seed} | {r.algorithm} | {r.layout} | {hit} | "
        f"{_number(r.hit_seconds, '.1f')} | {_number(r.final_success, '.3f')} | "
        f"{_number(r.best_success, '.3f')} | {r.env_steps:,} | {r.seconds:.1f} | "
        f"{_number(r.gradient_steps_per_s, ',.1f')} | {_number(r.samples_per_s, ',.0f')} |"
    )


def markdown_table(rows: list[Comparison], *, target: float) -> str:
    """The comparison as a markdown table."""
    return "\n".join([table_header(target=target), *(table_row(r) for r in rows)])


def run_algorithms(args: argparse.Namespace) -> int:
    """``embodichain-bench algorithms``."""
    from embodichain_rl.cli.bench import _device, _header

    if args.threads:
        torch.set_num_threads(args.threads)
    device = _device(args.device)
    try:
        for preset in args.presets:
            preset_overrides(preset)
    except UsageError as error:
        print(f"embodichain-bench algorithms: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    budget = "each preset's own" if args.max_env_steps is None else f"{args.max_env_steps:,}"
    stop = "stopping there" if not args.run_to_end else "running to the end"
    print(f"time to eval success >= {args.target} ({stop}); env-step budget: {budget}")
    print(_header(device))
    print(table_header(target=args.target), flush=True)
    for preset in args.presets:  # each row as soon as it is measured
        for seed in args.seeds or [None]:
            cfg = compose_preset(
                preset,
                seed=seed,
                max_env_steps=args.max_env_steps,
                eval_every=args.eval_every,
                overrides=[f"runtime.device={device}", *args.override],
            )
            row = compare(cfg, preset, target=args.target, stop=not args.run_to_end)
            print(table_row(row), flush=True)
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def add_algorithms(sub: argparse._SubParsersAction) -> None:
    """Register the ``algorithms`` subcommand."""
    p = sub.add_parser(
        "algorithms", help="time to eval success and update throughput of several presets"
    )
    p.add_argument(
        "--presets",
        nargs="+",
        default=[DEFAULT_PRESET, "push_cube_sac", "push_cube_td3"],
        help="'ppo' (the default config) or experiment preset names",
    )
    p.add_argument("--target", type=float, default=0.9, help="eval success rate to reach")
    p.add_argument(
        "--max-env-steps",
        type=_positive,
        default=None,
        help="env-step budget per preset (default: each preset's runtime.iterations)",
    )
    p.add_argument(
        "--eval-every",
        type=_positive,
        default=None,
        help="env steps between evaluations (default: each preset's eval.freq)",
    )
    p.add_argument("--seeds", type=int, nargs="*", default=[], help="runtime.seed values")
    p.add_argument(
        "--run-to-end", action="store_true", help="do not stop at the first eval reaching target"
    )
    p.add_argument("--device", default="auto", help="auto | cpu | cuda[:i]")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: default)")
    p.add_argument(
        "--override", nargs="*", default=[], help="extra Hydra overrides for every preset"
    )
    p.set_defaults(func=run_algorithms)
