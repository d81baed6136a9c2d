"""Bad PushCubeMuJoCo input, as a user types it: each case is a real ``embodichain-train``
run that must exit 2 with one ``error:`` line naming the key and the fix, print no
traceback and write nothing (the check of ``test_bad_input``)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from embodichain_rl.envs.push_cube_mujoco.engines import engine_problem
from tests.reliability import test_bad_input as bad

MUJOCO = ("env=push_cube_mujoco",)
HIDE_WARP = "hidden"
"""A directory whose ``sitecustomize`` makes ``mujoco_warp`` absent, as on a machine (or a
Python 3.10) without it."""


def _hide_mujoco_warp(cwd: Path) -> None:
    (cwd / HIDE_WARP).mkdir()
    (cwd / HIDE_WARP / "sitecustomize.py").write_text(
        'import sys\nsys.modules["mujoco_warp"] = None\n'
    )


CASES: dict[str, bad.Case] = {
    "mujoco-unknown-backend": bad.Case(
        bad._train(*MUJOCO, "env.backend=bullet"),
        ["env.backend must be one of", "'mujoco', 'mujoco_warp'", "'bullet'"],
    ),
    "mujoco-warp-not-installed": bad.Case(
        bad._train(*MUJOCO, "env.backend=mujoco_warp"),
        ["env.backend=mujoco_warp needs the mujoco_warp package", "embodichain-rl[mujoco]"],
        setup=_hide_mujoco_warp,
        env={"PYTHONPATH": HIDE_WARP, "PYTHONDONTWRITEBYTECODE": "1"},
    ),
    "mujoco-timestep-too-coarse": bad.Case(
        bad._train(*MUJOCO, "env.sim_substeps=0"),
        ["sim_substeps must be >= 1, got 0"],
    ),
}


@pytest.mark.parametrize("case", [pytest.param(c, id=n) for n, c in CASES.items()])
def test_push_cube_mujoco_bad_input_is_one_line_exit_2_and_writes_nothing(
    case: bad.Case, tmp_path: Path
) -> None:
    bad.test_bad_input_is_one_line_exit_2_and_writes_nothing(case, tmp_path)


def test_a_device_warp_cannot_use_is_named_with_the_alternatives() -> None:
    problem = engine_problem("mujoco_warp", torch.device("mps"))
    assert problem is not None
    assert "runs on cpu or cuda, not mps" in problem and "env.backend=mujoco" in problem
    assert engine_problem("mujoco_warp", torch.device("cpu")) is None
    assert engine_problem("mujoco", torch.device("mps")) is None  # its tensors just move
