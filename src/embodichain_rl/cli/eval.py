"""`embodichain-eval checkpoint=PATH [num_episodes=N] [video=true] [env.KEY=VALUE ...]`.

Rebuilds env and policy from the config saved in the checkpoint, runs ``num_episodes``
deterministic seeded episodes (one per env, the trainer's :class:`Evaluator`), prints the
result and writes ``eval.json`` (and with ``video=true`` an animated ``eval.gif``) to ``out``
(default: ``<run dir>/eval/<checkpoint name>/``).
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import torch

from embodichain_rl.cli.kv_args import parse_kv_args
from embodichain_rl.trainer.checkpoint import CheckpointError
from embodichain_rl.trainer.evaluator import Evaluator
from embodichain_rl.trainer.restore import restore_policy
from embodichain_rl.trainer.video import record_episodes, write_gif
from embodichain_rl.utils.device import resolve_device

OPTIONS: dict[str, Any] = {
    "checkpoint": None,
    "num_episodes": 100,
    "seed": None,
    "video": False,
    "video_episodes": 3,
    "device": "auto",
    "out": None,
}
"""Options and defaults; ``seed`` null = the training run's eval seed (runtime.seed + 10000)."""


def default_out_dir(checkpoint: Path) -> Path:
    """``<run dir>/eval/<checkpoint stem>`` for ``<run dir>/checkpoints/x.pt``."""
    parent = checkpoint.parent
    run_dir = parent.parent if parent.name == "checkpoints" else parent
    return run_dir / "eval" / checkpoint.stem


def evaluate_checkpoint(options: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Run the evaluation described by ``options``; returns what ``eval.json`` holds."""
    if not options["checkpoint"]:
        raise SystemExit("usage: embodichain-eval checkpoint=PATH [num_episodes=N] [video=true]")
    num_episodes = int(options["num_episodes"])
    if num_episodes < 1:
        raise SystemExit(f"num_episodes must be >= 1, got {num_episodes}")
    device = resolve_device(str(options["device"]), cuda=torch.cuda.is_available())
    restored = restore_policy(
        options["checkpoint"], device=device, num_envs=num_episodes, overrides=overrides
    )
    seed = options["seed"]
    if seed is None:
        seed = int(restored.config.runtime.seed) + 10_000
    result = Evaluator(env=restored.env, seed=int(seed)).evaluate(restored.policy)
    low, high = Evaluator.success_interval(result)
    out_dir = Path(options["out"]) if options["out"] else default_out_dir(restored.path)
    report: dict[str, Any] = {
        "checkpoint": str(restored.path),
        "iteration": int(restored.payload.get("iteration", 0)),
        "global_step": int(restored.payload.get("global_step", 0)),
        "episodes": result.episodes,
        "seed": int(seed),
        "success_rate": result.success_rate,
        "success_ci95": [low, high],
        "return_mean": result.return_mean,
        "return_std": result.return_std,
        "episode_length_mean": result.length_mean,
        "overrides": {k: str(v) for k, v in overrides.items()},
        "video": None,
    }
    if options["video"]:
        with torch.no_grad():
            frames = record_episodes(
                restored.env,
                restored.policy,
                seed=int(seed),
                episodes=int(options["video_episodes"]),
            )
        fps = int(restored.env.metadata.get("render_fps", 25))
        report["video"] = str(write_gif(out_dir / "eval.gif", frames, fps))
        report["video_frames"] = len(frames)
    restored.env.close()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "eval.json").write_text(json.dumps(report, indent=2))
    report["eval_json"] = str(out_dir / "eval.json")
    return report


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    options, overrides = parse_kv_args(sys.argv[1:] if argv is None else argv, OPTIONS)
    try:
        report = evaluate_checkpoint(options, overrides)
    except CheckpointError as error:
        raise SystemExit(f"embodichain-eval: {error}") from error
    low, high = report["success_ci95"]
    print(
        f"{report['episodes']} episodes of {report['checkpoint']} (seed {report['seed']}):\n"
        f"  success rate   {report['success_rate']:.3f}  (95% CI {low:.3f}-{high:.3f})\n"
        f"  return         {report['return_mean']:.3f} ± {report['return_std']:.3f}\n"
        f"  episode length {report['episode_length_mean']:.1f}"
    )
    if report["video"]:
        print(f"  video          {report['video']} ({report['video_frames']} frames)")
    print(f"  written        {report['eval_json']}")


if __name__ == "__main__":
    main()
