"""TD3 solves Pendulum-v1 through the framework (``+experiment=pendulum_td3``), CI-sized.

Pendulum's return is a swing-up cost summed over 200 steps: a uniform random policy scores
about -1,200, and this preset's first evaluation (2,560 steps) read -1,180 to -1,380. The
preset runs 12,800 env steps (8 envs, 4 gradient steps per vectorised step); -250 can only
be met by a policy that learned to swing up from most starts. Four seeds were at -113 to
-130 from 10k steps on; the run takes about 30 s on two quiet CPU cores.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from embodichain_rl import Trainer


@pytest.mark.slow
def test_td3_swings_pendulum_up(tmp_path: Path) -> None:
    trainer = Trainer.from_overrides(
        [
            "+experiment=pendulum_td3",
            "runtime.device=cpu",
            "runtime.torch_threads=1",
            "runtime.seed=1",
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
    assert summary.global_steps == 100 * 16 * 8
    assert summary.eval_episodes == 16
    assert summary.eval_return_mean is not None and summary.eval_return_mean >= -250.0, summary
