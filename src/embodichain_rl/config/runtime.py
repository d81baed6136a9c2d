"""The ``runtime`` section: everything about a run that is not env, policy or algorithm."""

from __future__ import annotations

from dataclasses import dataclass, field

from embodichain_rl.utils.compile import COMPILE_MODES


@dataclass
class RuntimeConfig:
    """Run-level settings (the EmbodiChain ``runtime`` keys plus a few of ours)."""

    exp_name: str = "push_cube_ppo"
    """Experiment name; prefixes the output directory ``outputs/<exp_name>_<timestamp>``."""
    seed: int = 42
    """Seed of torch, the training envs (seed) and the eval envs (seed + 10000); >= 0."""
    cuda: bool = True
    """Use the GPU when one is available (falls back to CPU with a warning)."""
    device: str = "auto"
    """Explicit device (``cpu``, ``cuda``, ``cuda:1``) or ``auto`` to follow ``cuda``."""
    headless: bool = True
    """Run without any window (rendering is always offscreen here); kept for EmbodiChain."""
    iterations: int = 400
    """Training iterations (one rollout + one update each); >= 1."""
    rollout_steps: int = 16
    """Env steps per env per iteration (the rollout length T); >= 1."""
    eval_freq: int = 25
    """Evaluate every this many iterations; 0 evaluates only at the end."""
    eval_envs: int = 256
    """Eval episodes per evaluation: one complete episode in each of this many eval envs."""
    save_freq: int = 100
    """Checkpoint every this many iterations; 0 keeps only last.pt and best.pt."""
    use_wandb: bool = False
    """Also log to Weights & Biases."""
    wandb_project_name: str = "embodichain-push_cube"
    """Weights & Biases project."""
    wandb_mode: str = "online"
    """Weights & Biases mode: online, offline (no account needed) or disabled."""
    log_dense: bool = False
    """Also write per-step curves of every reward term and metric (read once per iteration)."""
    progress_bar: bool = True
    """Show a console progress bar."""
    torch_threads: int = 0
    """CPU threads for torch (0: torch's default, all cores)."""
    resume: str | None = None
    """Checkpoint file or run directory (its checkpoints/last.pt) to continue exactly, in a new
    run directory; the config comes from the checkpoint, command-line keys override it."""
    video_freq: int = 0
    """Log an eval-episode video (GIF) every this many iterations; 0 = never."""
    imports: list[str] = field(default_factory=list)
    """Python modules imported before building, to register user envs/policies/algorithms."""
    compile: str = "none"
    """How the rollout step and the PPO minibatch update run: ``none`` (eager, the
    reference), ``compile`` (``torch.compile``, any device) or ``cudagraphs`` (compiled and
    replayed as CUDA graphs; CUDA only)."""

    def __post_init__(self) -> None:
        if self.compile not in COMPILE_MODES:
            raise ValueError(
                f"runtime.compile must be one of {list(COMPILE_MODES)}, got {self.compile!r}"
            )
