"""PPO really learns PushCube, sized for a 2-core CI machine.

A uniform random policy succeeds in ~0 % of episodes (docs/benchmarks.md, 1,000 episodes),
so the thresholds below can only be met by a policy that learned to push. Joint control
learns slowly at first (0.09–0.33 after 1.6 M steps across seeds), so its test runs
2.6 M steps, where the default config's runs were at 0.75–0.82; ee control was at 0.79
after these 0.66 M steps. The thresholds leave room for numeric differences between CPUs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from embodichain_rl.trainer.run import run

COMMON = (
    "runtime.device=cpu",
    "logging.progress_bar=false",
    "runtime.compile=none",  # learning is asserted on the eager path, whatever auto would pick
    "checkpoint.save_freq=0",
    "eval.freq=0",
    "eval.num_envs=128",
)


@pytest.mark.slow
@pytest.mark.parametrize("compile_mode", ["none", "compile"])
def test_ppo_learns_push_cube_with_ee_control(
    compose_train, tmp_path: Path, compile_mode: str
) -> None:
    cfg = compose_train(
        *COMMON,
        f"runtime.compile={compile_mode}",
        "env.control_mode=ee_delta_pos",
        "env.num_envs=1024",
        "runtime.iterations=40",
        "algorithm.num_minibatches=4",
        "policy.actor.hidden_sizes=[64,64]",
        "policy.critic.hidden_sizes=[64,64]",
    )
    summary = run(cfg, tmp_path)
    assert summary.global_steps == 40 * 16 * 1024
    assert summary.eval_success_rate >= 0.5, summary


@pytest.mark.slow
def test_ppo_learns_push_cube_with_default_joint_control(compose_train, tmp_path: Path) -> None:
    cfg = compose_train(*COMMON, "runtime.iterations=80")
    summary = run(cfg, tmp_path)
    assert summary.global_steps == 80 * 16 * 2048
    assert summary.eval_success_rate >= 0.3, summary
