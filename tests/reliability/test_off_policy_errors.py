"""Bad off-policy input, as a user types it: each case is a real ``embodichain-train`` run
that must exit 2 with one ``error:`` line naming the key, print no traceback and write
nothing (the same check as ``test_bad_input``, on SAC's command lines)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability import test_bad_input as bad

SAC = ("algorithm=sac", "policy=sac_actor_critic")

CASES: dict[str, bad.Case] = {
    "sac-updates-per-step-zero": bad.Case(
        bad._train(*SAC, "algorithm.updates_per_step=0"),
        ["algorithm.updates_per_step must be >= 1, got 0"],
    ),
    "sac-batch-larger-than-learning-starts": bad.Case(
        bad._train(*SAC, "algorithm.batch_size=10000", "algorithm.learning_starts=5000"),
        ["algorithm.batch_size=10000", "learning_starts=5000"],
    ),
    "sac-discrete-actions": bad.Case(
        bad._train(*SAC, "env=gym", "env.gym_id=CartPole-v1"),
        ["policy=sac_actor_critic", "env.gym_id=CartPole-v1", "Discrete(2)"],
    ),
    "sac-with-the-ppo-policy": bad.Case(
        bad._train("algorithm=sac"),
        ["algorithm=sac needs policy=sac_actor_critic", "policy=actor_critic"],
    ),
    "sac-buffer-shorter-than-n-step": bad.Case(
        bad._train(
            *SAC,
            "env=gym",
            "algorithm.buffer_size=32",
            "algorithm.learning_starts=32",
            "algorithm.batch_size=32",
            "algorithm.n_step=3",
        ),
        ["algorithm.buffer_size=32", "n_step=3"],
    ),
    "sac-cuda-graphs": bad.Case(
        bad._train(*SAC, "runtime.compile=cudagraphs"),
        ["runtime.compile=cudagraphs", "SAC supports runtime.compile in ['none', 'compile']"],
    ),
    "sac-log-std-range": bad.Case(
        bad._train(*SAC, "policy.log_std_min=3"),
        ["policy.log_std_min must be < log_std_max"],
    ),
}


@pytest.mark.parametrize("case", [pytest.param(c, id=n) for n, c in CASES.items()])
def test_off_policy_bad_input_is_one_line_exit_2_and_writes_nothing(
    case: bad.Case, tmp_path: Path
) -> None:
    bad.test_bad_input_is_one_line_exit_2_and_writes_nothing(case, tmp_path)
