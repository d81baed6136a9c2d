"""Bad behaviour-cloning input, as a user types it: each case is a real ``embodichain-train``
run that must exit 2 with one ``error:`` line naming the key, print no traceback and write
nothing (the same check as ``test_bad_input``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability import test_bad_input as bad

CASES: dict[str, bad.Case] = {
    "bc-on-an-env-without-an-expert": bad.Case(
        bad._train("algorithm=bc", "env=cart_pole"),
        ["algorithm=bc", "CartPoleEnv", "demonstration_step", "PushCubeRL", "env=push_cube"],
    ),
    "bc-on-a-gym-env": bad.Case(
        bad._train("algorithm=bc", "env=gym"),
        ["algorithm=bc", "GymnasiumEnv", "PushCubeRL"],
    ),
    "bc-dataset-smaller-than-one-iteration": bad.Case(
        bad._train(
            "algorithm=bc",
            "env.num_envs=16",
            "runtime.rollout_steps=4",
            "algorithm.dataset_size=10",
        ),
        ["algorithm.dataset_size=10", "64 decisions"],
    ),
    "bc-batch-of-zero": bad.Case(
        bad._train("algorithm=bc", "algorithm.batch_size=0"),
        ["algorithm.batch_size must be >= 1, got 0"],
    ),
    "bc-adaptive-schedule": bad.Case(
        bad._train("algorithm=bc", "algorithm/lr_scheduler=adaptive"),
        ["lr_schedule='adaptive'", "BC measures none"],
    ),
}


@pytest.mark.parametrize("case", [pytest.param(c, id=n) for n, c in CASES.items()])
def test_bc_bad_input_is_one_line_exit_2_and_writes_nothing(case: bad.Case, tmp_path: Path) -> None:
    bad.test_bad_input_is_one_line_exit_2_and_writes_nothing(case, tmp_path)
