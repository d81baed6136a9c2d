"""SAC solves Pendulum-v1 through the framework (``+experiment=pendulum_sac``), CI-sized.

Pendulum's return is a swing-up cost summed over 200 steps: a uniform random policy scores
about -1,200 and a policy that swings up and balances about -150. This run is the preset
with 64-unit networks and 15k env steps (4 envs, 2 gradient steps per vectorised step);
-250 can only be met by a policy that learned to swing up from most starts (seed 0
measured -116).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from embodichain_rl import Trainer


@pytest.mark.slow
def test_sac_swings_pendulum_up(tmp_path: Path) -> None:
    trainer = Trainer.from_overrides(
        [
            "+experiment=pendulum_sac",
            "runtime.iterations=75",
            "policy.actor.hidden_sizes=[64,64]",
            "policy.critic.hidden_sizes=[64,64]",
            "runtime.device=cpu",
            "runtime.seed=0",
            "eval.freq=0",
            "eval.num_envs=16",
            "logging.progress_bar=false",
            "runtime.compile=none",
            f"hydra.run.dir={tmp_path}",
        ]
    )
    try:
        summary = trainer.learn()
    finally:
        trainer.close()
    assert summary.global_steps == 75 * 50 * 4
    assert summary.eval_episodes == 16
    assert summary.eval_return_mean is not None and summary.eval_return_mean >= -250.0, summary
