"""``embodichain-bench`` runs its PushCube subcommands end to end (tiny sizes, no timing)."""

from __future__ import annotations

import pytest

from embodichain_rl.cli.bench import main


def test_env_subcommand_prints_a_rate_per_batch_size(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["env", "--num-envs", "4", "8", "--steps", "2", "--warmup", "1", "--repeats", "1"]
    assert main([*argv, "--device", "cpu", "--control-mode", "ee_delta_pos"]) == 0
    out = capsys.readouterr().out
    assert "torch=" in out and "num_envs=     4" in out and "num_envs=     8" in out


def test_scripted_subcommand_reports_both_policies(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["scripted", "--episodes", "16", "--control-mode", "ee_delta_pos", "--device", "cpu"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "scripted  success=100.0%" in out and "random" in out


def test_unknown_subcommand_is_rejected() -> None:
    with pytest.raises(SystemExit):
        main(["fly"])
