"""Bad CartPole input, as a user types it: each case is a real ``embodichain-train`` run that
must exit 2 with one ``error:`` line naming the key, print no traceback and write nothing
(the check of ``test_bad_input``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability import test_bad_input as bad

CART_POLE = ("env=cart_pole",)

CASES: dict[str, bad.Case] = {
    "cart-pole-mass-not-positive": bad.Case(
        bad._train(*CART_POLE, "env.cart_mass=0"),
        ["env.cart_mass must be > 0, got 0.0"],
    ),
    "cart-pole-limits-reversed": bad.Case(
        bad._train(*CART_POLE, "env.slider_limits=[1,-1]"),
        ["env.slider_limits must be (low, high) with low < high"],
    ),
}


@pytest.mark.parametrize("case", [pytest.param(c, id=n) for n, c in CASES.items()])
def test_cart_pole_bad_input_is_one_line_exit_2_and_writes_nothing(
    case: bad.Case, tmp_path: Path
) -> None:
    bad.test_bad_input_is_one_line_exit_2_and_writes_nothing(case, tmp_path)
