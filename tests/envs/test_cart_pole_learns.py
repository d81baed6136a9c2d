"""PPO solves CartPoleRL through ``+experiment=cart_pole_ppo``, CI-sized.

Success is EmbodiChain's: the pole upright within 0.02 rad and turning slower than 0.05 rad/s
at the episode's final step; EmbodiChain calls the task solved at a success rate of 0.8. A
uniform random policy drops the pole within about a second and never succeeds. This run is the
preset (128 envs) with 200-step episodes (8 s) and 100 iterations (409,600 env steps). The
recipe is not tuned to the pinned seed: this exact run ends at success 1.0 on seeds 0, 1, 2
and 3 (docs/cart_pole.md, "PPO"); with evaluations every 10 iterations (which shift the
random streams) seeds 0-2 first reach >= 0.8 between 245,760 and 286,720 env steps.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from embodichain_rl import Trainer
from embodichain_rl.envs import CartPoleEnv

EPISODE_STEPS = 200
SOLVED = 0.8


def random_policy_success(episodes: int = 64) -> float:
    """Success rate of uniform random actions over whole episodes (no auto-reset counted)."""
    env = CartPoleEnv(num_envs=episodes, max_episode_steps=EPISODE_STEPS)
    env.reset(seed=0)
    gen = torch.Generator().manual_seed(0)
    alive = torch.ones(episodes, dtype=torch.bool)
    success = torch.zeros(episodes, dtype=torch.bool)
    for _ in range(EPISODE_STEPS):
        action = torch.rand(episodes, 1, generator=gen) * 2 - 1
        _, _, terminated, truncated, info = env.step(action)
        success |= alive & info["metrics"]["success"]
        alive &= ~(terminated | truncated)
    return success.float().mean().item()


@pytest.mark.slow
def test_ppo_balances_the_pole(tmp_path: Path) -> None:
    assert random_policy_success() == 0.0
    trainer = Trainer.from_overrides(
        [
            "+experiment=cart_pole_ppo",
            f"env.max_episode_steps={EPISODE_STEPS}",
            "runtime.iterations=100",
            "runtime.device=cpu",
            "runtime.torch_threads=1",
            "runtime.seed=0",
            "runtime.compile=none",
            "eval.freq=0",
            "eval.num_envs=64",
            "logging.progress_bar=false",
            f"hydra.run.dir={tmp_path}",
        ]
    )
    try:
        summary = trainer.learn()
    finally:
        trainer.close()
    assert summary.global_steps == 100 * 32 * 128
    assert summary.eval_episodes == 64
    assert summary.eval_success_rate is not None and summary.eval_success_rate >= SOLVED, summary
