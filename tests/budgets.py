"""Training budgets shared by the tests that run the real trainer."""

from __future__ import annotations

TINY_RUN = [
    "env.num_envs=4",
    "runtime.iterations=1",
    "runtime.rollout_steps=4",
    "eval.num_envs=2",
    "algorithm.num_minibatches=2",
    "algorithm.n_epochs=1",
    "logging.progress_bar=false",
]
"""One iteration of 4 envs x 4 steps: a whole run (build, train, eval, save) in seconds."""
