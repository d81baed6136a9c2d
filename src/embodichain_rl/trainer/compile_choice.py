"""``runtime.compile=auto`` and the notice while compiling.

``auto`` starts eager, times the first iteration, and switches the learner to
``torch.compile`` only when a compiler is available and the rest of the run is long enough
for the expected speed-up to pay back a cold compilation; the log says which it chose and
why. Whatever the mode, the first compiled iteration is announced ("compiling…") and its
elapsed time logged, instead of a silent minute at 0 %.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import torch

from embodichain_rl.algorithms import BaseAlgorithm
from embodichain_rl.distributed.context import DistributedContext
from embodichain_rl.utils.compile import AUTO, compiler_problem

log = logging.getLogger(__name__)

COMPILE_SECONDS = 60.0
"""Cost of a cold first compilation of PPO's rollout step and update on the 2-core CPU
(docs/benchmarks.md: about 25 s with Inductor's disk cache warm, about a minute cold)."""

EXPECTED_SPEEDUP = 1.4
"""Compiled over eager end-to-end throughput assumed by ``auto``: the low end of what was
measured on PushCube at 256-4,096 envs on the 2-core CPU (1.39-2.04x, docs/benchmarks.md)."""


@dataclass(frozen=True)
class CompileChoice:
    """What ``auto`` picked and the reason it logs."""

    mode: str
    """``compile`` or ``none``."""
    reason: str
    """Why, in a few words."""


def choose_compile_mode(
    *,
    supported: tuple[str, ...],
    compiler: str | None,
    iteration_s: float,
    remaining_iterations: int,
) -> CompileChoice:
    """``compile`` when the learner has a compiled path, ``compiler`` (the problem
    :func:`compiler_problem` found) is None, and the eager time left,
    ``iteration_s * remaining_iterations``, shrinks by more than ``COMPILE_SECONDS`` at
    ``EXPECTED_SPEEDUP``; else ``none``."""
    if "compile" not in supported:
        return CompileChoice("none", "this algorithm has no compiled path")
    if compiler is not None:
        return CompileChoice("none", compiler)
    eager_s = iteration_s * remaining_iterations
    saved_s = eager_s * (1.0 - 1.0 / EXPECTED_SPEEDUP)
    budget = (
        f"the remaining {remaining_iterations} iterations take about {eager_s:.0f} s eager, "
        f"compiling (about {COMPILE_SECONDS:.0f} s) would save about {saved_s:.0f} s"
    )
    if saved_s <= COMPILE_SECONDS:
        return CompileChoice("none", f"too short to pay back: {budget}")
    return CompileChoice("compile", budget)


class CompileSwitch:
    """Drives the trainer's side of ``runtime.compile``: the ``auto`` decision after the
    first iteration and the "compiling…" notice around the first compiled one."""

    def __init__(
        self,
        *,
        requested: str,
        algorithm: BaseAlgorithm,
        device: torch.device,
        distributed: DistributedContext,
    ) -> None:
        self.requested = requested
        """The ``runtime.compile`` value of the run."""
        self.algorithm = algorithm
        self.device = device
        self.distributed = distributed
        self.pending_auto = requested == AUTO
        """``auto`` has not decided yet (it decides once, after the first iteration)."""
        self.pending_compile = requested not in (AUTO, "none")
        """The next iteration is the first compiled one."""
        self._compile_started = 0.0
        if self.pending_auto:
            problem = compiler_problem(device)
            supported = tuple(getattr(algorithm, "compile_modes", ("none",)))
            if problem is not None or "compile" not in supported:
                self._decide(
                    choose_compile_mode(
                        supported=supported,
                        compiler=problem,
                        iteration_s=0.0,
                        remaining_iterations=0,
                    )
                )

    def before_iteration(self) -> None:
        if self.pending_compile:
            log.info(
                "compiling the hot path (runtime.compile=%s): the first iteration includes "
                "torch.compile's work, typically 0.5-1 min on a CPU",
                self.algorithm.compile_mode,
            )
            self._compile_started = time.perf_counter()

    def after_iteration(self, iteration_s: float, remaining_iterations: int) -> None:
        """Called after every iteration with its duration and the iterations still to run."""
        if self.pending_compile:
            self.pending_compile = False
            log.info(
                "compiled: the first compiled iteration took %.1f s",
                time.perf_counter() - self._compile_started,
            )
        if not self.pending_auto:
            return
        seconds = torch.tensor([iteration_s], dtype=torch.float64, device=self.device)
        self.distributed.all_reduce_mean_(seconds)  # every rank decides alike
        choice = choose_compile_mode(
            supported=tuple(self.algorithm.compile_modes),
            compiler=None,
            iteration_s=float(seconds.item()),
            remaining_iterations=remaining_iterations,
        )
        self._decide(choice)

    def _decide(self, choice: CompileChoice) -> None:
        self.pending_auto = False
        label = "torch.compile" if choice.mode == "compile" else "eager"
        log.info("runtime.compile=auto: %s (%s)", label, choice.reason)
        if choice.mode != "none":
            self.algorithm.use_compile(choice.mode)
            self.pending_compile = True
