"""The ``eval``, ``checkpoint`` and ``logging`` sections of a run (every count in
iterations: one rollout plus one update)."""

from __future__ import annotations

from dataclasses import dataclass

from embodichain_rl.config.checks import at_least, one_of, raise_problems

BEST_METRICS = ("auto", "success_rate", "episode_return", "episode_length")
"""Eval metrics ``best.pt`` can be ranked by (``auto``: success where the env reports it,
else return)."""

BEST_MODES = ("max", "min")
"""Whether a larger or a smaller ``best_metric`` is better."""

WANDB_MODES = ("online", "offline", "disabled")
"""Weights & Biases modes."""


@dataclass
class EvalConfig:
    """``eval``: deterministic seeded evaluation on separate envs, and eval videos."""

    freq: int = 25
    """Evaluate every this many iterations; 0 evaluates only at the end; >= 0."""
    num_envs: int = 256
    """Eval episodes per evaluation: one complete episode in each of this many eval envs."""
    seed_offset: int = 10_000
    """Eval envs are seeded with ``runtime.seed + seed_offset`` at every evaluation."""
    best_metric: str = "auto"
    """Metric ``best.pt`` is chosen by: auto, success_rate, episode_return, episode_length."""
    best_mode: str = "max"
    """``max`` (larger is better) or ``min``."""
    video_freq: int = 0
    """Log an eval-episode video (GIF) every this many iterations; 0 = never."""
    video_episodes: int = 1
    """Episodes (eval envs 0, 1, ...) played one after another in each video; >= 1."""

    def __post_init__(self) -> None:
        problems = at_least(self, 0, "freq", "video_freq", "seed_offset")
        problems += at_least(self, 1, "num_envs", "video_episodes")
        problems += one_of(self, "best_metric", BEST_METRICS)
        problems += one_of(self, "best_mode", BEST_MODES)
        raise_problems("eval", problems)


@dataclass
class CheckpointConfig:
    """``checkpoint``: what is written under ``checkpoints/`` and when."""

    save_freq: int = 100
    """Keep ``iter_NNNNNN.pt`` every this many iterations; 0 keeps only last.pt and best.pt."""
    last_freq: int = 10
    """Refresh the rolling ``last.pt`` every this many iterations (what a crash resumes
    from); 0 writes it only at the end or on a stop signal."""

    def __post_init__(self) -> None:
        raise_problems("checkpoint", at_least(self, 0, "save_freq", "last_freq"))


@dataclass
class LoggingConfig:
    """``logging``: metric sinks and console output (TensorBoard is always written)."""

    use_wandb: bool = False
    """Also log to Weights & Biases."""
    wandb_project_name: str = "embodichain-push_cube"
    """Weights & Biases project."""
    wandb_mode: str = "online"
    """Weights & Biases mode: online (needs ``wandb login``), offline (no account) or
    disabled."""
    log_dense: bool = False
    """Also write per-step curves of every reward term and metric (read once per iteration)."""
    progress_bar: bool = True
    """Show a console progress bar."""

    def __post_init__(self) -> None:
        raise_problems("logging", one_of(self, "wandb_mode", WANDB_MODES))
