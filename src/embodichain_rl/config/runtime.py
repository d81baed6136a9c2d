"""The ``runtime`` section: what the run is (name, seed, device, budget), not how it is
evaluated, checkpointed or logged (``eval``, ``checkpoint``, ``logging``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from embodichain_rl.config.checks import at_least, one_of, raise_problems
from embodichain_rl.utils.compile import RUNTIME_COMPILE_CHOICES


@dataclass
class RuntimeConfig:
    """Run-level settings (the EmbodiChain ``runtime`` keys that describe the run itself)."""

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
    iterations: int = 300
    """Training iterations (one rollout + one update each); >= 1. The default PushCube run
    (300 x 2,048 envs x 16 steps, 9.8 M env steps) takes about 2.6 min on a 2-core CPU."""
    rollout_steps: int = 16
    """Env steps per env per iteration (the rollout length T); >= 1."""
    torch_threads: int = 0
    """CPU threads for torch (0: torch's default, all cores); >= 0."""
    resume: str | None = None
    """Checkpoint file or run directory (its newest complete checkpoint) to continue exactly,
    in a new run directory; the config comes from the checkpoint, command-line keys override
    it."""
    overwrite: bool = False
    """Allow starting in a run directory that already holds a run (its files are replaced)."""
    imports: list[str] = field(default_factory=list)
    """Python modules imported before building, to register user envs/policies/algorithms."""
    compile: str = "auto"
    """How the learner's hot functions (PPO: rollout step, minibatch update) run: ``none``
    (eager, the reference), ``compile`` (``torch.compile``, any device), ``cudagraphs``
    (compiled and replayed as CUDA graphs; CUDA only) or ``auto`` (``compile`` when a
    compiler is there and the run is long enough to pay compilation back, else ``none``;
    the log says which)."""

    def __post_init__(self) -> None:
        problems = at_least(self, 0, "seed", "torch_threads")
        problems += at_least(self, 1, "iterations", "rollout_steps")
        problems += one_of(self, "compile", RUNTIME_COMPILE_CHOICES)
        raise_problems("runtime", problems)
