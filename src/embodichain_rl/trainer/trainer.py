"""The training loop: collect, update, log once per iteration, evaluate, checkpoint."""

from __future__ import annotations

import json
import logging
import math
import shlex
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from embodichain_rl.algorithms import BaseAlgorithm
from embodichain_rl.distributed.context import SINGLE_PROCESS, DistributedContext
from embodichain_rl.envs.base import EmbodiedEnv
from embodichain_rl.trainer.checkpoint import (
    capture_rng_state,
    load_module_state,
    restore_rng_state,
    save_checkpoint,
)
from embodichain_rl.trainer.episode_stats import EpisodeTracker
from embodichain_rl.trainer.evaluator import EvalResult, Evaluator
from embodichain_rl.trainer.interrupt import StopRequest, TrainingInterrupted
from embodichain_rl.trainer.loggers import LoggerGroup
from embodichain_rl.trainer.progress import ProgressBar
from embodichain_rl.trainer.video import record_episodes, write_gif

log = logging.getLogger(__name__)

RESUME_COMMAND = "embodichain-train runtime.resume={checkpoint}"
"""The command that continues a run from ``checkpoint`` (its config comes from the file)."""


def resume_command(checkpoint: Path) -> str:
    """Shell command continuing the run saved in ``checkpoint``."""
    return RESUME_COMMAND.format(checkpoint=shlex.quote(str(checkpoint.resolve())))


@dataclass(frozen=True)
class TrainerSettings:
    """The loop's schedule; every count is in iterations (one rollout + one update)."""

    iterations: int
    """Training iterations to run (>= 1)."""
    rollout_steps: int
    """Env steps per env collected per iteration (T of the [T, N] rollout)."""
    seed: int
    """Seed of the training envs; evaluation uses ``seed + 10_000``."""
    eval_freq: int = 0
    """Evaluate every this many iterations (0: only at the end)."""
    save_freq: int = 0
    """Checkpoint every this many iterations (0: only at the end and the best)."""
    log_dense: bool = False
    """Also write per-step curves of every reward term and metric (read once per iteration)."""
    progress_bar: bool = True
    """Show a console progress bar (steps, SPS, return, success, ETA)."""
    video_freq: int = 0
    """Record and log an eval-episode video every this many iterations (0: never)."""


@dataclass
class TrainSummary:
    """What ``summary.json`` records about a finished run."""

    iterations: int
    global_steps: int
    wall_time_s: float
    sps: float
    eval_success_rate: float
    eval_success_ci95: tuple[float, float]
    eval_return_mean: float
    eval_return_std: float
    eval_episode_length: float
    eval_episodes: int
    best_eval_success_rate: float
    best_checkpoint: str | None
    last_checkpoint: str
    extra: dict[str, Any] = field(default_factory=dict)


class Trainer:
    """Runs ``algorithm`` on ``env``; logs, evaluates on ``eval_env`` and checkpoints.

    Nothing reads device tensors inside an iteration; statistics, losses and timing are
    copied to the host once per iteration, after the update.
    """

    def __init__(
        self,
        *,
        algorithm: BaseAlgorithm,
        env: EmbodiedEnv,
        eval_env: EmbodiedEnv,
        settings: TrainerSettings,
        run_dir: Path,
        loggers: LoggerGroup,
        config: dict[str, Any],
        distributed: DistributedContext = SINGLE_PROCESS,
    ) -> None:
        if settings.iterations < 1 or settings.rollout_steps < 1:
            raise ValueError("iterations and rollout_steps must be >= 1")
        self.algorithm = algorithm
        self.env = env
        self.settings = settings
        self.run_dir = run_dir
        self.checkpoint_dir = run_dir / "checkpoints"
        self.loggers = loggers
        self.config = config
        self.distributed = distributed
        """Data-parallel job: only its main rank evaluates and writes checkpoints and files."""
        self.evaluator = Evaluator(env=eval_env, seed=settings.seed + 10_000)
        self.tracker = EpisodeTracker(
            num_envs=env.num_envs, device=algorithm.device, dense=settings.log_dense
        )
        self.iteration = 0
        self.global_step = 0
        self.best_success = -math.inf
        self.best_checkpoint: Path | None = None
        self.stop = StopRequest()
        """Set by SIGINT / SIGTERM (or ``stop.request``); checked once per iteration."""
        self._obs: torch.Tensor | None = None
        self._last_eval: EvalResult | None = None
        self._dense_rows: list[dict[str, float]] = []

    @property
    def steps_per_iteration(self) -> int:
        """Env steps (all envs of all ranks together) collected per iteration."""
        return self.settings.rollout_steps * self.env.num_envs * self.distributed.world_size

    def train(self, resume: dict[str, Any] | None = None) -> TrainSummary:
        """Run the remaining iterations, then a final evaluation and checkpoint.

        ``resume`` is a checkpoint payload to continue from exactly. On SIGINT / SIGTERM
        the loop stops after the current iteration, writes ``last.pt`` and raises
        :class:`TrainingInterrupted`.
        """
        settings = self.settings
        env = self.env
        self.algorithm.initialize_buffer(
            settings.rollout_steps, env.num_envs, env.obs_dim, env.action_dim
        )
        if resume is None:
            obs, _ = env.reset(seed=settings.seed)
        else:
            obs = self.restore(resume)
        self._obs = obs
        remaining = max(0, settings.iterations - self.iteration)
        progress = ProgressBar(
            total_steps=remaining * self.steps_per_iteration,
            enabled=settings.progress_bar,
        )
        start = time.perf_counter()
        with self.stop:
            try:
                for _ in range(remaining):
                    obs = self._iteration(obs, progress)
                    signum = self.distributed.any_flag(self.stop.signum)
                    if signum is not None:
                        self._interrupt(signum)
            finally:
                progress.close()
            wall = time.perf_counter() - start
            if not self.distributed.is_main:
                return self.distributed.broadcast_object(None)  # rank 0's summary
            last_eval = self._last_eval
            if last_eval is None or not settings.eval_freq or self.iteration % settings.eval_freq:
                last_eval = self._evaluate()
            last_path = self._save("last.pt")
        summary = self._summary(last_eval, wall, last_path)
        (self.run_dir / "summary.json").write_text(json.dumps(summary.__dict__, indent=2))
        return self.distributed.broadcast_object(summary)

    def _iteration(self, obs: torch.Tensor, progress: ProgressBar) -> torch.Tensor:
        """One rollout + update, then logging, evaluation, checkpoints and video on their
        iteration counters; returns the observation to continue from."""
        settings = self.settings
        iteration_start = time.perf_counter()
        obs = self.algorithm.collect_rollout(self.env, obs, on_step=self.tracker.on_step)
        rollout_done = time.perf_counter()
        losses = self.algorithm.update()
        self.iteration += 1
        step_before = self.global_step
        self.global_step += self.steps_per_iteration
        scalars = self._iteration_scalars(losses, iteration_start, rollout_done)
        self.loggers.log_scalars(scalars, self.global_step)
        progress.update(self.steps_per_iteration, scalars)
        self._log_dense(step_before)
        self._obs = obs
        main = self.distributed.is_main
        if main and settings.eval_freq and self.iteration % settings.eval_freq == 0:
            self._last_eval = self._evaluate()
        if settings.save_freq and self.iteration % settings.save_freq == 0:
            self._save(f"iter_{self.iteration:06d}.pt")
        if main and settings.video_freq and self.iteration % settings.video_freq == 0:
            self._log_video()
        return obs

    def _iteration_scalars(
        self, losses: dict[str, torch.Tensor], iteration_start: float, rollout_done: float
    ) -> dict[str, float]:
        names = list(losses)
        values = torch.stack([losses[k].detach().float().reshape(()) for k in names]).cpu()
        now = time.perf_counter()
        scalars = {f"train/{k}": v for k, v in zip(names, values.tolist(), strict=True)}
        episode_stats, self._dense_rows = self.tracker.read()
        scalars.update(episode_stats)
        elapsed = max(now - iteration_start, 1e-9)
        scalars["charts/SPS"] = self.steps_per_iteration / elapsed
        scalars["charts/rollout_SPS"] = self.steps_per_iteration / max(
            rollout_done - iteration_start, 1e-9
        )
        scalars["charts/iteration"] = float(self.iteration)
        for key, value in scalars.items():
            if key.startswith("train/") and not math.isfinite(value):
                raise FloatingPointError(
                    f"non-finite {key}={value} at iteration {self.iteration}: training diverged"
                )
        return scalars

    def _log_dense(self, step_before: int) -> None:
        num_envs = self.env.num_envs
        for t, row in enumerate(self._dense_rows):
            self.loggers.log_scalars(
                {f"dense/{k}": v for k, v in row.items()}, step_before + (t + 1) * num_envs
            )

    def _evaluate(self) -> EvalResult:
        result = self.evaluator.evaluate(self.algorithm.policy)
        self.loggers.log_scalars(result.as_scalars(), self.global_step)
        log.info(
            "eval @ %d steps: success %.3f, return %.2f ± %.2f over %d episodes",
            self.global_step,
            result.success_rate,
            result.return_mean,
            result.return_std,
            result.episodes,
        )
        if result.success_rate > self.best_success:
            self.best_success = result.success_rate
            self.best_checkpoint = self._save("best.pt", eval_result=result)
        return result

    def _save(self, name: str, eval_result: EvalResult | None = None) -> Path:
        """Checkpoint everything an exact resume needs; taken only at iteration boundaries
        (by the main rank only: the other ranks' learner state is identical)."""
        if not self.distributed.is_main:
            return self.checkpoint_dir / name
        payload: dict[str, Any] = {
            "iteration": self.iteration,
            "global_step": self.global_step,
            "policy": self.algorithm.policy.state_dict(),
            "algorithm": self.algorithm.state_dict(),
            "rng": capture_rng_state(),
            "env": self.env.state_dict(),
            "obs": self._obs,
            "episode_stats": self.tracker.state_dict(),
            "best_eval_success_rate": self.best_success,
            "best_checkpoint": str(self.best_checkpoint) if self.best_checkpoint else None,
            "wandb_run_id": self.loggers.wandb_run_id,
            "config": self.config,
        }
        if eval_result is not None:
            payload["eval"] = eval_result.__dict__
        return save_checkpoint(self.checkpoint_dir / name, payload)

    def restore(self, payload: dict[str, Any]) -> torch.Tensor:
        """Load a checkpoint payload into policy, algorithm, env, statistics and RNGs;
        returns the observation the interrupted rollout would have continued from."""
        device = self.algorithm.device
        load_module_state(self.algorithm.policy, payload["policy"], source="checkpoint policy")
        self.algorithm.load_state_dict(payload["algorithm"])
        self.iteration = int(payload["iteration"])
        self.global_step = int(payload["global_step"])
        self.best_success = float(payload["best_eval_success_rate"])
        self.tracker.load_state_dict(payload["episode_stats"])
        best = payload.get("best_checkpoint")
        if best and Path(best).is_file():
            target = self.checkpoint_dir / "best.pt"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(best, target)
            self.best_checkpoint = target
        env_state = payload.get("env") or {}
        if env_state and payload.get("obs") is not None:
            self.env.load_state_dict(env_state)
            obs = payload["obs"].to(device)
        else:
            log.warning(
                "%s saved no env state: episodes restart from a seeded reset, so the "
                "resumed run is not bit-identical to an uninterrupted one",
                type(self.env).__name__,
            )
            obs, _ = self.env.reset(seed=self.settings.seed + self.iteration)
        restore_rng_state(payload["rng"])
        log.info("resumed at iteration %d (%d env steps)", self.iteration, self.global_step)
        return obs

    def _interrupt(self, signum: int) -> None:
        path = self._save("last.pt")
        command = resume_command(path)
        log.warning(
            "stopped at iteration %d / %d (%d env steps); checkpoint %s\nresume with:\n  %s",
            self.iteration,
            self.settings.iterations,
            self.global_step,
            path,
            command,
        )
        raise TrainingInterrupted(signum, path, command)

    def _log_video(self) -> None:
        frames = record_episodes(
            self.evaluator.env, self.algorithm.policy, seed=self.evaluator.seed, episodes=1
        )
        fps = int(self.env.metadata.get("render_fps", 25))
        gif = write_gif(self.run_dir / "videos" / f"iter_{self.iteration:06d}.gif", frames, fps)
        self.loggers.log_video("eval/video", gif, self.global_step)
        log.info("eval video (%d frames) -> %s", len(frames), gif)

    def _summary(self, result: EvalResult, wall: float, last_path: Path) -> TrainSummary:
        return TrainSummary(
            iterations=self.iteration,
            global_steps=self.global_step,
            wall_time_s=wall,
            sps=self.global_step / max(wall, 1e-9),
            eval_success_rate=result.success_rate,
            eval_success_ci95=Evaluator.success_interval(result),
            eval_return_mean=result.return_mean,
            eval_return_std=result.return_std,
            eval_episode_length=result.length_mean,
            eval_episodes=result.episodes,
            best_eval_success_rate=self.best_success,
            best_checkpoint=str(self.best_checkpoint) if self.best_checkpoint else None,
            last_checkpoint=str(last_path),
        )
