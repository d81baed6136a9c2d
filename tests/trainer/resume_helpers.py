"""Tiny CPU training configs shared by the resume, signal and curve tests."""

from __future__ import annotations

from pathlib import Path

from tensorboard.backend.event_processing.event_accumulator import SCALARS, EventAccumulator

TINY = [
    "env.num_envs=8",
    "runtime.rollout_steps=8",
    "eval.num_envs=4",
    "checkpoint.save_freq=0",
    "logging.progress_bar=false",
    "runtime.device=cpu",
    "runtime.torch_threads=1",
    "algorithm.num_minibatches=2",
    "algorithm.n_epochs=2",
    "policy.normalize_obs=true",
    "policy.actor.hidden_sizes=[32,32]",
    "policy.critic.hidden_sizes=[32,32]",
]
"""8 envs x 8 steps per iteration, small networks, normaliser on (its state must resume)."""

TIMING_TAGS = {"charts/SPS", "charts/rollout_SPS"}
"""Wall-clock scalars, which legitimately differ between two runs."""


def scalars(run_dir: Path) -> dict[str, list[tuple[int, float]]]:
    """Every scalar series of a run's TensorBoard events as ``(step, value)`` lists."""
    accumulator = EventAccumulator(str(run_dir / "logs"), size_guidance={SCALARS: 0})
    accumulator.Reload()
    return {
        tag: [(event.step, event.value) for event in accumulator.Scalars(tag)]
        for tag in accumulator.Tags()["scalars"]
    }
