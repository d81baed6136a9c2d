"""``embodichain-bench profile`` attributes an iteration's time to PPO's phases."""

from __future__ import annotations

import re

import pytest

from embodichain_rl.algorithms.ppo import PROFILE_SCOPES
from embodichain_rl.cli.bench import main


def test_every_phase_takes_time_and_the_phases_fit_in_the_iteration(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["profile", "--num-envs", "64", "--iterations", "1", "--warmup", "1", "--top", "3"]
    assert main([*argv, "--device", "cpu", "--threads", "1"]) == 0
    out = capsys.readouterr().out
    wall = re.search(r"iteration wall time \(profiler on\): ([\d.]+) ms", out)
    assert wall is not None
    phases = {}
    for scope in PROFILE_SCOPES.values():
        name = scope.removeprefix("ppo/")
        row = re.search(rf"^  {re.escape(name)}\s+([\d.]+)\s+[\d.]+%", out, re.MULTILINE)
        assert row is not None, f"no row for {name}"
        phases[name] = float(row.group(1))
    assert all(ms > 0 for ms in phases.values()), phases
    # Ranges are disjoint: a range nested in another would be counted twice.
    assert sum(phases.values()) <= float(wall.group(1)) * 1.02
    assert "env step alone" in out
