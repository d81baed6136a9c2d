"""Wall-clock time until the framework's PPO reaches an eval success rate (``embodichain-bench
train --time-to-success``): the trainer runs as ``embodichain-train`` would and stops after
the first evaluation at or above the target."""

from __future__ import annotations

import signal
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import torch
from omegaconf import DictConfig, OmegaConf

from embodichain_rl.trainer.build import build_components
from embodichain_rl.trainer.interrupt import TrainingInterrupted
from embodichain_rl.trainer.loggers import LoggerGroup
from embodichain_rl.trainer.run import seed_everything
from embodichain_rl.trainer.trainer import Trainer, TrainerSettings


@dataclass
class SuccessTime:
    """When (if at all) the eval success rate first reached the target."""

    seconds: float | None
    """Wall time from the first iteration to that evaluation (evaluations included)."""
    env_steps: int | None
    """Training env steps at that evaluation."""
    best_success: float
    """Best eval success rate seen."""
    total_seconds: float
    """Wall time of the whole (possibly stopped) run."""


class _SuccessWatch:
    """A metric sink that notes the first eval at or above ``target`` and stops the run."""

    def __init__(self, target: float, trainer_ref: list[Trainer]) -> None:
        self.target = target
        self.trainer_ref = trainer_ref
        self.start = time.perf_counter()
        self.hit: tuple[float, int] | None = None
        self.best = 0.0

    def log_scalars(self, scalars: Mapping[str, float], step: int) -> None:
        success = scalars.get("eval/success_rate")
        if success is None:
            return
        self.best = max(self.best, success)
        if success >= self.target and self.hit is None:
            self.hit = (time.perf_counter() - self.start, step)
            self.trainer_ref[0].stop.request(signal.SIGINT)

    def log_video(self, tag: str, gif: Path, step: int) -> None:
        """Videos are not recorded here."""

    def close(self) -> None:
        """Nothing to flush."""


def time_to_success(cfg: DictConfig, device: torch.device, *, target: float) -> SuccessTime:
    """Train ``cfg`` on ``device`` (in a temporary run dir) until eval success >= ``target``
    or ``runtime.iterations`` run out."""
    runtime = cfg.runtime
    seed_everything(runtime.seed)
    components = build_components(cfg, device)
    settings = TrainerSettings(
        iterations=runtime.iterations,
        rollout_steps=runtime.rollout_steps,
        seed=runtime.seed,
        eval_freq=runtime.eval_freq,
        save_freq=0,
        progress_bar=False,
    )
    trainers: list[Trainer] = []
    watch = _SuccessWatch(target, trainers)
    resolved = OmegaConf.to_container(cfg, resolve=True)
    assert isinstance(resolved, dict)
    with tempfile.TemporaryDirectory() as run_dir:
        trainer = Trainer(
            algorithm=components.algorithm,
            env=components.env,
            eval_env=components.eval_env,
            settings=settings,
            run_dir=Path(run_dir),
            loggers=LoggerGroup([watch]),
            config=resolved,
        )
        trainers.append(trainer)
        watch.start = time.perf_counter()
        try:
            with torch.enable_grad():
                trainer.train()
        except TrainingInterrupted:
            pass  # stopped by the watch after reaching the target
        total = time.perf_counter() - watch.start
    if watch.hit is None:
        return SuccessTime(None, None, watch.best, total)
    return SuccessTime(watch.hit[0], watch.hit[1], watch.best, total)
