"""``Trainer``: the composition root and the training loop.

Build a run from the shipped configs (``Trainer.from_overrides([...])``), from a composed
config (``Trainer.from_config(cfg)``) or from a saved run (``Trainer.load(run_dir)``), then
``learn()``. Per iteration the algorithm collects and updates, the trainer reads every
statistic to the host once, logs it, and hands it to the callbacks, which evaluate, save
checkpoints, record videos, plot curves or stop the run (``embodichain_rl.callbacks``).
"""

from __future__ import annotations

import logging
import math
import shlex
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from embodichain_rl.callbacks import (
    Callback,
    CallbackList,
    CheckpointCallback,
    CurvesCallback,
    EvalCallback,
    VideoCallback,
)
from embodichain_rl.callbacks.evaluation import metric_value, resolve_metric
from embodichain_rl.config.aliases import rewrite_moved_keys
from embodichain_rl.config.compose import compose_config, split_hydra_node
from embodichain_rl.config.errors import ConfigError
from embodichain_rl.config.schema import TrainConfig
from embodichain_rl.distributed.context import SINGLE_PROCESS, DistributedContext, rank_seed
from embodichain_rl.distributed.launch import worker_resume_payload
from embodichain_rl.distributed.ops import check_in_sync
from embodichain_rl.envs.base import EmbodiedEnv
from embodichain_rl.trainer.build import build_components, build_env
from embodichain_rl.trainer.checkpoint import (
    capture_rng_state,
    load_checkpoint,
    load_module_state,
    restore_rng_state,
    save_checkpoint,
)
from embodichain_rl.trainer.compile_choice import CompileSwitch
from embodichain_rl.trainer.episode_stats import EpisodeTracker
from embodichain_rl.trainer.evaluator import EvalResult, Evaluator
from embodichain_rl.trainer.interrupt import StopRequest, TrainingInterrupted
from embodichain_rl.trainer.loggers import LoggerGroup
from embodichain_rl.trainer.machine_load import machine_warning
from embodichain_rl.trainer.preflight import preflight
from embodichain_rl.trainer.progress import ProgressBar
from embodichain_rl.trainer.resume import resolve_resume_target, run_dir_of, saved_config
from embodichain_rl.trainer.run_dir import RunLock, remove_orphaned_temporaries
from embodichain_rl.trainer.run_status import RunRecorder
from embodichain_rl.trainer.setup import default_run_dir, make_loggers, seed_everything
from embodichain_rl.trainer.summary import TrainSummary
from embodichain_rl.trainer.video import record_episodes, write_gif
from embodichain_rl.utils.fs import ensure_writable_dir
from embodichain_rl.utils.observations import Observation, map_observation, observation_layout

log = logging.getLogger(__name__)

RESUME_COMMAND = "embodichain-train runtime.resume={checkpoint}"
"""The command that continues a run from ``checkpoint`` (its config comes from the file)."""

EARLY_STOP_FLAG = 1
"""What a callback's stop request counts as when the ranks agree on stopping (signals,
2 and 15, take precedence)."""


def resume_command(checkpoint: Path) -> str:
    """Shell command continuing the run saved in ``checkpoint``."""
    return RESUME_COMMAND.format(checkpoint=shlex.quote(str(checkpoint.resolve())))


def config_callbacks(nodes: DictConfig | dict[str, Any] | None) -> list[Callback]:
    """Instantiate the ``callbacks`` section (``name: {_target_: ..., ...}``)."""
    built: list[Callback] = []
    for name, node in (nodes or {}).items():
        try:
            callback = instantiate(node, _convert_="all")
        except Exception as error:
            raise ConfigError(f"callbacks.{name}: cannot build it ({error})") from error
        if not callable(getattr(callback, "on_iteration_end", None)):
            raise ConfigError(
                f"callbacks.{name}: {type(callback).__name__} is not a callback (subclass "
                "embodichain_rl.callbacks.Callback)"
            )
        built.append(callback)
    return built


class Trainer:
    """One training run: env, eval env, policy and algorithm on one device, the loop, and
    its callbacks. Construction validates everything and builds the components but writes
    nothing; ``learn`` locks the run directory and writes ``logs/``, ``checkpoints/``,
    ``status.json``, ``summary.json`` and ``curves.png`` there.

    Under ``torchrun`` (``distributed``) every rank trains its own envs; only rank 0 logs,
    evaluates and writes, and every rank returns rank 0's summary.
    """

    def __init__(
        self,
        cfg: DictConfig,
        *,
        run_dir: str | Path | None = None,
        callbacks: Sequence[Callback] = (),
        distributed: DistributedContext = SINGLE_PROCESS,
        overrides: Sequence[str] | None = None,
    ) -> None:
        self.run_dir = Path(run_dir) if run_dir is not None else default_run_dir(cfg)
        """Where ``learn`` writes (created then, not before)."""
        checked = preflight(
            cfg,
            self.run_dir if distributed.is_main else None,
            overrides=overrides,
            forced_device=distributed.device,
        )
        cfg, typed, payload = checked.cfg, checked.typed, checked.payload
        self.cfg = cfg
        """The run's composed config."""
        self.distributed = distributed
        """Data-parallel job: only its main rank evaluates and writes checkpoints and files."""
        self.device = checked.device
        """The run's one device."""
        self.checkpoint_dir = self.run_dir / "checkpoints"
        resume_from = Path(cfg.runtime.resume) if payload is not None else None
        if cfg.runtime.torch_threads > 0:
            torch.set_num_threads(cfg.runtime.torch_threads)
        busy = machine_warning(torch.get_num_threads()) if distributed.is_main else None
        if busy is not None:
            log.warning(busy)
        self.seed = rank_seed(cfg.runtime.seed, distributed.rank)
        """Seed of this rank's training envs and random streams."""
        seed_everything(self.seed)
        self.eval_seed = cfg.runtime.seed + typed.eval.seed_offset
        """Seed of every evaluation round's envs."""
        self.resolved: dict[str, Any] = OmegaConf.to_container(cfg, resolve=True)  # type: ignore[assignment]
        components = build_components(cfg, self.device, distributed)
        self.env: EmbodiedEnv = components.env
        self.eval_env: EmbodiedEnv = components.eval_env
        self.algorithm = components.algorithm
        self.compile_switch = CompileSwitch(
            requested=str(cfg.runtime.compile),
            algorithm=self.algorithm,
            device=self.device,
            distributed=distributed,
        )
        """``runtime.compile=auto``'s decision and the notice around compilation."""
        self.policy_spec = components.policy_spec
        """What rebuilds the policy without an env (saved in checkpoints)."""
        self.evaluation = EvalCallback(
            freq=typed.eval.freq, best_metric=typed.eval.best_metric, best_mode=typed.eval.best_mode
        )
        self.callbacks = CallbackList(
            [
                self.evaluation,
                CheckpointCallback(
                    save_freq=typed.checkpoint.save_freq, last_freq=typed.checkpoint.last_freq
                ),
                VideoCallback(freq=typed.eval.video_freq, episodes=typed.eval.video_episodes),
                CurvesCallback(),
                *config_callbacks(cfg.get("callbacks")),
                *callbacks,
            ]
        )
        self.tracker = EpisodeTracker(
            num_envs=self.env.num_envs, device=self.device, dense=cfg.logging.log_dense
        )
        self.iteration = 0
        """Iterations completed (resumed ones included)."""
        self.global_step = 0
        """Env steps collected by all ranks (resumed ones included)."""
        self.interrupted: int | None = None
        """The signal that stopped training, if one did."""
        self.stop_reason: str | None = None
        """Why a callback stopped training, if one did."""
        self.last_checkpoint: Path | None = None
        """The latest ``last.pt`` written."""
        self.resumed_from = resume_from
        """The checkpoint this run continues, if any."""
        self.stop = StopRequest()
        """Set by SIGINT / SIGTERM; checked once per iteration."""
        self._loggers = LoggerGroup([])
        self._extra_eval_envs: dict[int, EmbodiedEnv] = {}
        self._dense_rows: list[dict[str, float]] = []
        self._wandb_id: str | None = None
        self.algorithm.initialize_buffer(
            cfg.runtime.rollout_steps,
            self.env.num_envs,
            observation_layout(self.env),
            self.env.action_dim,
        )
        self._obs: Observation | None = None
        if payload is not None:
            if not distributed.is_main:
                seed_everything(self.seed + int(payload["iteration"]))
                payload = worker_resume_payload(
                    payload, capture_rng_state(), self.algorithm.rank_local_state()
                )
            self._obs = self._restore(payload)

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_config(
        cls,
        cfg: DictConfig,
        *,
        run_dir: str | Path | None = None,
        callbacks: Sequence[Callback] = (),
        distributed: DistributedContext = SINGLE_PROCESS,
        overrides: Sequence[str] | None = None,
    ) -> Trainer:
        """A trainer for a composed config (``train.yaml`` composition, or your own)."""
        return cls(
            cfg, run_dir=run_dir, callbacks=callbacks, distributed=distributed, overrides=overrides
        )

    @classmethod
    def from_overrides(
        cls,
        overrides: Sequence[str] = (),
        *,
        run_dir: str | Path | None = None,
        callbacks: Sequence[Callback] = (),
    ) -> Trainer:
        """Compose the shipped ``train.yaml`` with Hydra ``overrides`` (as the CLI would;
        ``hydra.run.dir=...`` chooses the run directory) and build the trainer."""
        cfg, hydra_run_dir = split_hydra_node(
            compose_config(list(overrides), config_name="train", with_hydra=True)
        )
        return cls(
            cfg,
            run_dir=run_dir if run_dir is not None else hydra_run_dir,
            callbacks=callbacks,
            overrides=list(overrides),
        )

    @classmethod
    def load(
        cls,
        path: str | Path,
        *,
        overrides: Sequence[str] = (),
        run_dir: str | Path | None = None,
        callbacks: Sequence[Callback] = (),
    ) -> Trainer:
        """A trainer restored from a checkpoint or a run directory (its newest complete
        checkpoint): ``evaluate()`` scores the saved policy, ``learn()`` continues the run
        exactly, in ``run_dir`` (default: a new ``outputs/<exp_name>_<time>``; pass the
        original directory to continue in place). ``overrides`` change single keys
        (``runtime.iterations=800``, ``runtime.device=cpu``)."""
        checkpoint = resolve_resume_target(path)
        payload = load_checkpoint(checkpoint)
        cfg = OmegaConf.merge(
            OmegaConf.structured(TrainConfig),
            saved_config(payload, checkpoint),
            OmegaConf.from_dotlist(rewrite_moved_keys(overrides)),
            {"runtime": {"resume": str(checkpoint)}},
        )
        assert isinstance(cfg, DictConfig)
        return cls(cfg, run_dir=run_dir, callbacks=callbacks)

    # ------------------------------------------------------------------ properties

    @property
    def policy(self) -> torch.nn.Module:
        """The policy being trained."""
        return self.algorithm.policy

    @property
    def is_main(self) -> bool:
        """Whether this process writes files (rank 0, or the only process)."""
        return self.distributed.is_main

    @property
    def steps_per_iteration(self) -> int:
        """Env control steps (all envs of all ranks together) collected per iteration: a
        chunked env's ``step`` counts as its chunk's ``control_steps_per_step``."""
        decisions = self.cfg.runtime.rollout_steps * self.env.num_envs
        return decisions * self.env.control_steps_per_step * self.distributed.world_size

    def request_stop(self, reason: str) -> None:
        """End training after the current iteration (final evaluation and ``last.pt``
        still happen); ``learn`` then returns normally."""
        if self.stop_reason is None:
            self.stop_reason = reason
            log.info("stop requested at iteration %d: %s", self.iteration, reason)

    # ------------------------------------------------------------------ training

    def learn(self) -> TrainSummary:
        """Run the remaining iterations, the end-of-training callbacks (final evaluation,
        ``last.pt``, ``curves.png``), write ``summary.json`` and return the summary.

        On SIGINT / SIGTERM the loop stops after the current iteration, writes ``last.pt``
        and raises :class:`TrainingInterrupted` (exit code 130 / 143)."""
        if not self.is_main:
            return self._learn()
        ensure_writable_dir(self.run_dir)
        with RunLock(self.run_dir), RunRecorder(self.run_dir) as recorder:
            for orphan in remove_orphaned_temporaries(self.checkpoint_dir):
                log.info("removed %s (left by a killed writer)", orphan)
            if self.resumed_from is not None:
                recorder.mark_killed_if_dead(run_dir_of(self.resumed_from))
            self._loggers = make_loggers(self.cfg, self.run_dir, self.resolved, self._wandb_id)
            try:
                summary = self._learn()
            finally:
                self._loggers.close()
                self._loggers = LoggerGroup([])
            recorder.objective = summary.objective
        return summary

    def _learn(self) -> TrainSummary:
        if self._obs is None:
            self._obs, _ = self.env.reset(seed=self.seed)
        remaining = max(0, self.cfg.runtime.iterations - self.iteration)
        log.info(
            "training %s on %s: %d envs x %d steps per iteration, %d iterations -> %s",
            self.cfg.runtime.exp_name,
            self.device,
            self.env.num_envs,
            self.cfg.runtime.rollout_steps,
            remaining,
            self.run_dir,
        )
        progress = ProgressBar(
            total_steps=remaining * self.steps_per_iteration,
            enabled=self.cfg.logging.progress_bar and self.is_main,
        )
        self.callbacks.on_train_start(self)
        start, start_step = time.perf_counter(), self.global_step
        with self.stop:
            try:
                for done in range(1, remaining + 1):
                    started = time.perf_counter()
                    self.compile_switch.before_iteration()
                    metrics = self._iteration(progress)
                    self.compile_switch.after_iteration(
                        time.perf_counter() - started, remaining - done
                    )
                    self.callbacks.on_iteration_end(self, metrics)
                    if self._agree_to_stop():
                        break
            finally:
                progress.close()
            self.callbacks.on_train_end(self)
        wall = time.perf_counter() - start
        check_in_sync(self.policy, self.distributed, "the policy")
        if self.interrupted is not None:
            self._raise_interrupted(self.interrupted)
        summary = self._summary(wall, self.global_step - start_step)
        if self.is_main:
            summary.write(self.run_dir / "summary.json")
            log.info(
                "done: %d steps in %.1f s (%.0f SPS); final eval %s",
                summary.session_steps,
                summary.wall_time_s,
                summary.sps,
                self.evaluation.last_eval.describe() if self.evaluation.last_eval else "none",
            )
        return self.distributed.broadcast_object(summary)

    def _agree_to_stop(self) -> bool:
        """Whether every rank stops now: a signal on any rank, or a callback's request."""
        flag = self.stop.signum or (EARLY_STOP_FLAG if self.stop_reason else None)
        agreed = self.distributed.any_flag(flag)
        if agreed is None:
            return False
        if agreed == EARLY_STOP_FLAG:
            self.stop_reason = self.stop_reason or "stop requested on another rank"
        else:
            self.interrupted = agreed
        return True

    def _iteration(self, progress: ProgressBar) -> dict[str, float]:
        """One rollout + update, read to the host once and logged; returns the metrics."""
        assert self._obs is not None
        started = time.perf_counter()
        self._obs = self.algorithm.collect_rollout(
            self.env, self._obs, on_step=self.tracker.on_step
        )
        rollout_done = time.perf_counter()
        losses = self.algorithm.update()
        self.iteration += 1
        step_before = self.global_step
        self.global_step += self.steps_per_iteration
        metrics = self._iteration_scalars(losses, started, rollout_done)
        self.log_scalars(metrics)
        progress.update(self.steps_per_iteration, metrics)
        for t, row in enumerate(self._dense_rows):
            self._loggers.log_scalars(
                {f"dense/{k}": v for k, v in row.items()}, step_before + (t + 1) * self.env.num_envs
            )
        return metrics

    def _iteration_scalars(
        self, losses: dict[str, torch.Tensor], started: float, rollout_done: float
    ) -> dict[str, float]:
        names = list(losses)
        values = torch.stack([losses[k].detach().float().reshape(()) for k in names]).cpu()
        now = time.perf_counter()
        scalars = {f"train/{k}": v for k, v in zip(names, values.tolist(), strict=True)}
        episode_stats, self._dense_rows = self.tracker.read()
        scalars.update(episode_stats)
        scalars["charts/SPS"] = self.steps_per_iteration / max(now - started, 1e-9)
        scalars["charts/rollout_SPS"] = self.steps_per_iteration / max(rollout_done - started, 1e-9)
        scalars["charts/iteration"] = float(self.iteration)
        for key, value in scalars.items():
            if key.startswith("train/") and not math.isfinite(value):
                raise FloatingPointError(
                    f"non-finite {key}={value} at iteration {self.iteration}: training diverged"
                )
        return scalars

    # ------------------------------------------------------------------ services

    def log_scalars(self, scalars: dict[str, float]) -> None:
        """Log ``scalars`` at the current env step to every sink (TensorBoard, wandb)."""
        self._loggers.log_scalars(scalars, self.global_step)

    def flush_logs(self) -> None:
        """Make everything logged so far readable from the event files."""
        self._loggers.flush()

    def evaluate(self, num_episodes: int | None = None, seed: int | None = None) -> EvalResult:
        """Score the policy deterministically: one complete episode in each of
        ``num_episodes`` envs (default ``eval.num_envs``) reset with ``seed`` (default
        ``runtime.seed + eval.seed_offset``, the seeds periodic evaluations use)."""
        count = self.eval_env.num_envs if num_episodes is None else int(num_episodes)
        if count < 1:
            raise ValueError(f"num_episodes must be >= 1, got {count}")
        env = self.eval_env if count == self.eval_env.num_envs else self._eval_env_of(count)
        evaluator = Evaluator(env=env, seed=self.eval_seed if seed is None else int(seed))
        return evaluator.evaluate(self.policy)

    def _eval_env_of(self, count: int) -> EmbodiedEnv:
        if count not in self._extra_eval_envs:
            self._extra_eval_envs[count] = build_env(
                self.cfg.env, device=self.device, num_envs=count
            )
        return self._extra_eval_envs[count]

    def record_video(self, path: Path, episodes: int = 1) -> Path:
        """Write a GIF of ``episodes`` deterministic eval episodes to ``path`` and log it."""
        frames = record_episodes(self.eval_env, self.policy, seed=self.eval_seed, episodes=episodes)
        fps = int(self.env.metadata.get("render_fps", 25))
        gif = write_gif(path, frames, fps)
        self._loggers.log_video("eval/video", gif, self.global_step)
        log.info("eval video (%d frames) -> %s", len(frames), gif)
        return gif

    def save_checkpoint(self, name: str, eval_result: EvalResult | None = None) -> Path:
        """Write ``checkpoints/<name>`` with everything an exact resume needs (main rank
        only; taken at iteration boundaries); returns its path."""
        path = self.checkpoint_dir / name
        if not self.is_main:
            return path
        payload: dict[str, Any] = {
            "iteration": self.iteration,
            "global_step": self.global_step,
            "policy": self.policy.state_dict(),
            "policy_spec": self.policy_spec,
            "algorithm": self.algorithm.state_dict(),
            "rng": capture_rng_state(),
            "env": self.env.state_dict(),
            "obs": self._obs,
            "episode_stats": self.tracker.state_dict(),
            "callbacks": self.callbacks.state_dict(),
            "wandb_run_id": self._loggers.wandb_run_id or self._wandb_id,
            "config": self.resolved,
        }
        if eval_result is not None:
            payload["eval"] = eval_result.__dict__
        save_checkpoint(path, payload)
        if name == "last.pt":
            self.last_checkpoint = path
        return path

    def close(self) -> None:
        """Close every env (training, evaluation)."""
        for env in (self.env, self.eval_env, *self._extra_eval_envs.values()):
            env.close()
        self._extra_eval_envs.clear()

    def __enter__(self) -> Trainer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ resume

    def _restore(self, payload: dict[str, Any]) -> Observation:
        """Load a checkpoint payload into policy, algorithm, env, statistics, callbacks and
        RNGs; returns the observation the interrupted rollout would have continued from."""
        load_module_state(self.policy, payload["policy"], source="checkpoint policy")
        self.algorithm.load_state_dict(payload["algorithm"])
        self.iteration = int(payload["iteration"])
        self.global_step = int(payload["global_step"])
        self.tracker.load_state_dict(payload["episode_stats"])
        self.callbacks.load_state_dict(payload.get("callbacks") or {})
        self._wandb_id = payload.get("wandb_run_id")
        env_state = payload.get("env") or {}
        if env_state and payload.get("obs") is not None:
            self.env.load_state_dict(env_state)
            obs = map_observation(lambda saved: saved.to(self.device), payload["obs"])
        else:
            if self.is_main:
                log.warning(
                    "%s saved no env state: episodes restart from a seeded reset, so the "
                    "resumed run is not bit-identical to an uninterrupted one",
                    type(self.env).__name__,
                )
            obs, _ = self.env.reset(seed=self.seed + self.iteration)
        restore_rng_state(payload["rng"])
        log.info("resumed at iteration %d (%d env steps)", self.iteration, self.global_step)
        return obs

    def _raise_interrupted(self, signum: int) -> None:
        path = self.last_checkpoint or self.save_checkpoint("last.pt")
        command = resume_command(path)
        log.warning(
            "stopped at iteration %d / %d (%d env steps); checkpoint %s\nresume with:\n  %s",
            self.iteration,
            self.cfg.runtime.iterations,
            self.global_step,
            path,
            command,
        )
        raise TrainingInterrupted(signum, path, command)

    def _summary(self, wall: float, session_steps: int) -> TrainSummary:
        evaluation = self.evaluation
        result = evaluation.last_eval
        metric = resolve_metric(evaluation.best_metric, result) if result else "auto"
        objective = metric_value(metric, result) if result else math.nan
        best = evaluation.best_value
        return TrainSummary.build(
            result=result,
            best_metric=metric,
            iterations=self.iteration,
            global_steps=self.global_step,
            session_steps=session_steps,
            wall_time_s=wall,
            sps=session_steps / max(wall, 1e-9),
            best_value=None if math.isnan(best) else best,
            best_checkpoint=str(evaluation.best_checkpoint) if evaluation.best_checkpoint else None,
            last_checkpoint=str(self.last_checkpoint) if self.last_checkpoint else None,
            objective=objective,
            stop_reason=self.stop_reason,
        )
