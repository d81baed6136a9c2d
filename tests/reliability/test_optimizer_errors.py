"""Bad optimiser / schedule input, as a user types it: each case is a real
``embodichain-train`` run that must exit 2 with one ``error:`` line naming the key and the
valid values, print no traceback and write nothing (the check of ``test_bad_input``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability import test_bad_input as bad

CASES: dict[str, bad.Case] = {
    "unknown-optimizer-name": bad.Case(
        bad._train("algorithm.optimizer.name=adagrad"),
        ["algorithm.optimizer.name must be one of ['adam', 'adamw', 'sgd', 'rmsprop']"],
    ),
    "unknown-lr-schedule": bad.Case(
        bad._train("algorithm.lr_schedule=cyclic"),
        ["algorithm.lr_schedule must be one of ['constant', 'linear', 'cosine', 'step'"],
    ),
    "knob-of-another-optimizer": bad.Case(
        bad._train("algorithm.optimizer.momentum=0.9"),
        ["algorithm.optimizer.momentum does not apply to adam (it applies to sgd, rmsprop)"],
    ),
    "schedule-knob-out-of-range": bad.Case(
        bad._train("algorithm/lr_scheduler=step", "algorithm.lr_scheduler.gamma=1.5"),
        ["algorithm.lr_scheduler.gamma must be in (0, 1], got 1.5"],
    ),
    "older-and-newer-key-disagree": bad.Case(
        bad._train("algorithm.learning_rate=1e-3", "algorithm.optimizer.learning_rate=3e-4"),
        ["algorithm.learning_rate=0.001 and optimizer.learning_rate=0.0003"],
    ),
}


@pytest.mark.parametrize("case", [pytest.param(c, id=n) for n, c in CASES.items()])
def test_optimizer_bad_input_is_one_line_exit_2_and_writes_nothing(
    case: bad.Case, tmp_path: Path
) -> None:
    bad.test_bad_input_is_one_line_exit_2_and_writes_nothing(case, tmp_path)
