"""``embodichain-eval checkpoint=PATH [num_episodes=N] [video=true] [env.KEY=VALUE ...]``.

``env.env_id=PushCubeMuJoCo`` (or ``PushCubeRL``) scores a PushCube policy on the other
engine: the saved task carries over, the engine's own settings are its defaults
(:mod:`embodichain_rl.config.engine_switch`).

A Hydra app (``conf/eval.yaml``, schema :class:`~embodichain_rl.config.apps.EvalAppConfig`):
rebuilds env and policy from the config saved in the checkpoint, runs ``num_episodes``
deterministic episodes on held-out seeds (one per env, the trainer's :class:`Evaluator`),
prints the result and writes ``eval.json`` (with ``video=true`` also ``eval.gif``) to
``out`` (default ``<run dir>/eval/<checkpoint stem>/``). Hydra itself writes nothing.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import hydra
import torch
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from embodichain_rl.cli.app_args import bad_input_exits, parse_device, run_app, typed_options
from embodichain_rl.config.apps import (
    HELD_OUT_SEED_OFFSET,
    TRAIN_EVAL_SEED_OFFSET,
    EvalAppConfig,
    env_overrides,
    register_app_configs,
    require_checkpoint,
)
from embodichain_rl.config.engine_switch import switch_engine
from embodichain_rl.trainer.checkpoint import load_checkpoint, resolve_checkpoint
from embodichain_rl.trainer.evaluator import Evaluator
from embodichain_rl.trainer.restore import restore_policy
from embodichain_rl.trainer.video import record_episodes, render_overrides, write_gif

PROG = "embodichain-eval"


def default_out_dir(checkpoint: Path) -> Path:
    """``<run dir>/eval/<checkpoint stem>`` for ``<run dir>/checkpoints/x.pt``."""
    parent = checkpoint.parent
    run_dir = parent.parent if parent.name == "checkpoints" else parent
    return run_dir / "eval" / checkpoint.stem


def choose_seed(options: EvalAppConfig, saved: dict[str, Any]) -> tuple[int, str, int]:
    """``(seed, seed_source, training eval seed)``: the given seed, else the held-out one
    (``runtime.seed + HELD_OUT_SEED_OFFSET``, moved on if the run evaluated there)."""
    base = int(saved.get("runtime", {}).get("seed", 0))
    train_offset = saved.get("eval", {}).get("seed_offset", TRAIN_EVAL_SEED_OFFSET)
    train_seed = base + int(train_offset)
    if options.seed is not None:
        source = "training-eval" if options.seed == train_seed else "given"
        return int(options.seed), source, train_seed
    seed = base + HELD_OUT_SEED_OFFSET
    if seed == train_seed:
        seed += HELD_OUT_SEED_OFFSET
    return seed, "held-out", train_seed


@torch.no_grad()
def evaluate_checkpoint(options: EvalAppConfig) -> dict[str, Any]:
    """Run the evaluation ``options`` describe; returns what ``eval.json`` holds (plus
    ``eval_json``, its path). Raises ``ConfigError`` / ``CheckpointError`` on bad input."""
    device = parse_device(options.device, key="device")
    path = resolve_checkpoint(require_checkpoint(options.checkpoint))
    saved = load_checkpoint(path).get("config") or {}
    switched = switch_engine(saved.get("env", {}), options.env.get("env_id"))
    saved_env = switched if switched is not None else saved.get("env", {})
    overrides = env_overrides(saved_env, options.env)
    build_overrides = dict(overrides)
    if options.video:
        build_overrides |= {f"env.{k}": v for k, v in render_overrides(saved_env).items()}
    restored = restore_policy(
        path,
        device=device,
        num_envs=options.num_episodes,
        overrides=build_overrides,
        env_config=switched,
    )
    seed, seed_source, train_seed = choose_seed(options, saved)
    out_dir = Path(options.out) if options.out else default_out_dir(restored.path)
    try:
        result = Evaluator(env=restored.env, seed=seed).evaluate(restored.policy)
        frames = None
        if options.video:
            frames = record_episodes(
                restored.env, restored.policy, seed=seed, episodes=options.video_episodes
            )
        fps = int(restored.env.metadata.get("render_fps", 25))
    finally:
        restored.env.close()
    interval = Evaluator.success_interval(result)
    report: dict[str, Any] = {
        "checkpoint": str(restored.path),
        "iteration": int(restored.payload.get("iteration", 0)),
        "global_step": int(restored.payload.get("global_step", 0)),
        "episodes": result.episodes,
        "seed": seed,
        "seed_source": seed_source,
        "training_eval_seed": train_seed,
        "success_rate": result.success_rate,
        "success_ci95": None if interval is None else list(interval),
        "return_mean": result.return_mean,
        "return_std": result.return_std,
        "episode_length_mean": result.length_mean,
        "overrides": overrides,
        "video": None,
    }
    if frames is not None:
        report["video"] = str(write_gif(out_dir / "eval.gif", frames, fps))
        report["video_frames"] = len(frames)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "eval.json").write_text(json.dumps(report, indent=2))
    report["eval_json"] = str(out_dir / "eval.json")
    return report


SEED_NOTES = {
    "held-out": "held out; the training evaluation used {train}",
    "given": "given",
    "training-eval": "the training evaluation's seed: in-sample for best.pt",
}
"""How the printed report describes each ``seed_source``."""


def format_report(report: dict[str, Any]) -> str:
    """The console summary of an eval report."""
    note = SEED_NOTES[report["seed_source"]].format(train=report["training_eval_seed"])
    lines = [f"{report['episodes']} episodes of {report['checkpoint']}"]
    lines.append(f"  seed           {report['seed']} ({note})")
    if report["success_rate"] is not None:
        low, high = report["success_ci95"]
        rate = report["success_rate"]
        lines.append(f"  success rate   {rate:.3f}  (95% CI {low:.3f}-{high:.3f})")
    lines.append(f"  return         {report['return_mean']:.3f} ± {report['return_std']:.3f}")
    lines.append(f"  episode length {report['episode_length_mean']:.1f}")
    if report["video"]:
        lines.append(f"  video          {report['video']} ({report['video_frames']} frames)")
    lines.append(f"  written        {report['eval_json']}")
    return "\n".join(lines)


def job_subdir() -> str:
    """In a multirun, this job's overrides other than ``checkpoint`` and ``out`` as a
    directory name (``seed=1,num_episodes=50``); empty in a single run."""
    hydra_cfg = HydraConfig.get()
    if hydra_cfg.mode != RunMode.MULTIRUN:
        return ""
    items = [item.lstrip("+~") for item in hydra_cfg.overrides.task]
    kept = [item for item in items if item.split("=")[0] not in ("checkpoint", "out")]
    return ",".join(sorted(kept)).replace("/", "_")


register_app_configs()


@hydra.main(version_base="1.3", config_path="pkg://embodichain_rl.conf", config_name="eval")
def eval_app(cfg: DictConfig) -> float:
    """Evaluate with the composed config; returns the success rate (NaN where the env
    reports none), the objective a sweeper maximises."""
    with bad_input_exits(PROG):
        options = typed_options(cfg, EvalAppConfig)
        subdir = job_subdir()
        if subdir:
            checkpoint = resolve_checkpoint(options.checkpoint)
            options.out = str(Path(options.out or default_out_dir(checkpoint)) / subdir)
        report = evaluate_checkpoint(options)
    print(format_report(report))
    rate = report["success_rate"]
    return math.nan if rate is None else float(rate)


def main() -> None:
    """Console entry point."""
    run_app(PROG, EvalAppConfig, eval_app)


if __name__ == "__main__":
    main()
