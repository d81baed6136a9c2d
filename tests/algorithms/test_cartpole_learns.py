"""PPO with the categorical ActorCritic solves CartPole-v1 through ``env=gym``.

CartPole's return is the number of steps balanced (500 at the time limit); a uniform random
policy averages about 22. SB3 and CleanRL PPO reach 500 within about 100-200k steps; this
budget (8 envs x 32 steps x 300 iterations = 76.8k steps, 20 epochs of one minibatch,
γ 0.98, λ 0.8, as in rl-baselines3-zoo's CartPole PPO) takes under a minute on 2 CPU cores.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from embodichain_rl.trainer.run import run

CARTPOLE = (
    "env=gym",
    "env.gym_id=CartPole-v1",
    "env.num_envs=8",
    "runtime.device=cpu",
    "runtime.torch_threads=1",
    "runtime.iterations=300",
    "runtime.rollout_steps=32",
    "eval.freq=0",
    "eval.num_envs=16",
    "checkpoint.save_freq=0",
    "logging.progress_bar=false",
    "runtime.compile=none",
    "policy.actor.hidden_sizes=[64,64]",
    "policy.actor.activation=tanh",
    "policy.critic.hidden_sizes=[64,64]",
    "policy.critic.activation=tanh",
    "algorithm.num_minibatches=1",
    "algorithm.n_epochs=20",
    "algorithm.gamma=0.98",
    "algorithm.gae_lambda=0.8",
    "algorithm.learning_rate=1e-3",
)
"""The CartPole run: overrides of the shipped config."""


def train(compose_train: Any, run_dir: Path, *overrides: str) -> Any:
    """Compose ``train`` with ``overrides`` and run it in ``run_dir``; the summary."""
    return run(compose_train(*overrides), run_dir)


@pytest.mark.slow
def test_ppo_solves_cartpole_with_a_categorical_policy(compose_train, tmp_path: Path) -> None:
    summary = train(compose_train, tmp_path, *CARTPOLE, "runtime.seed=1")
    assert summary.global_steps == 300 * 32 * 8
    assert summary.eval_episodes == 16
    assert summary.eval_return_mean >= 450.0, summary
