"""``embodichain-bench algorithms``: presets side by side (tiny budgets, no timing asserted)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from embodichain_rl import Trainer
from embodichain_rl.cli.bench import main
from embodichain_rl.cli.bench_algorithms import (
    Comparison,
    ComparisonMeter,
    compose_preset,
    gradient_steps_per_update,
    iterations_for,
    markdown_table,
)

TINY_PUSH_CUBE = ["env.num_envs=32", "eval.num_envs=4"]
"""32 envs x the default 16 rollout steps: 512 env steps per iteration."""


def table_rows(out: str) -> list[list[str]]:
    """The markdown table's body rows as lists of cell texts."""
    lines = [x for x in out.splitlines() if x.startswith("| ") and not x.startswith("| preset")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]


def test_env_step_budgets_become_whole_iterations() -> None:
    assert iterations_for(1, 512) == 1
    assert iterations_for(512, 512) == 1
    assert iterations_for(513, 512) == 2
    assert iterations_for(300_000, 1000) == 300


def test_budget_and_eval_grid_are_converted_per_preset() -> None:
    cfg = compose_preset(
        "ppo", seed=3, max_env_steps=5000, eval_every=1100, overrides=TINY_PUSH_CUBE
    )
    # 512 env steps per iteration: ceil(5000 / 512) = 10 iterations, ceil(1100 / 512) = 3.
    assert (cfg.runtime.iterations, cfg.eval.freq, cfg.runtime.seed) == (10, 3, 3)


def test_ppo_gradient_steps_are_epochs_times_minibatches(tmp_path: Path) -> None:
    cfg = compose_preset("ppo", seed=None, max_env_steps=None, eval_every=None, overrides=[])
    with Trainer.from_config(cfg, run_dir=tmp_path) as trainer:
        # Default: 2,048 envs x 16 steps, 4 epochs x 8 minibatches of 4,096.
        assert gradient_steps_per_update(cfg, trainer.algorithm) == (32, 32 * 4096)


def test_table_marks_a_target_that_was_not_reached() -> None:
    row = Comparison(
        preset="p",
        seed=0,
        algorithm="PPO",
        layout="32 x 16",
        hit_step=None,
        hit_seconds=None,
        final_success=0.25,
        best_success=0.5,
        env_steps=1024,
        seconds=2.0,
        gradient_steps_per_s=math.nan,
        samples_per_s=math.nan,
    )
    (cells,) = table_rows(markdown_table([row], target=0.9))
    expected = ["p", "0", "PPO", "32 x 16", "-", "-", "0.250", "0.500", "1,024", "2.0", "-", "-"]
    assert cells == expected


def test_stops_at_the_first_evaluation_reaching_the_target(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["algorithms", "--presets", "ppo", "--device", "cpu", "--target", "0.0"]
    budget = ["--max-env-steps", "2048", "--eval-every", "1024", "--override", *TINY_PUSH_CUBE]
    assert main([*argv, *budget]) == 0
    (cells,) = table_rows(capsys.readouterr().out)
    assert cells[:5] == ["ppo", "42", "PPO", "32 x 16", "1,024"]  # the first eval hits 0.0
    assert cells[8] == "1,024"  # ... and the run stopped there, not at 2,048
    # (two iterations: the second update is the one timed, the first is warm-up)
    assert float(cells[9]) > 0 and float(cells[5]) <= float(cells[9])
    grad_per_s, samples_per_s = (float(c.replace(",", "")) for c in cells[10:12])
    # 4 epochs x 8 minibatches of 64 per update: samples/s = 64 x gradient steps/s (the
    # table rounds gradient steps/s to 0.1 and samples/s to 1).
    assert grad_per_s > 0
    assert samples_per_s == pytest.approx(64 * grad_per_s, abs=64 * 0.05 + 0.5)


def test_run_to_end_keeps_training_and_reports_every_seed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["algorithms", "--presets", "ppo", "--device", "cpu", "--target", "1.1"]
    budget = ["--max-env-steps", "1024", "--eval-every", "512", "--seeds", "0", "1"]
    assert main([*argv, *budget, "--run-to-end", "--override", *TINY_PUSH_CUBE]) == 0
    rows = table_rows(capsys.readouterr().out)
    assert [r[1] for r in rows] == ["0", "1"]
    for cells in rows:
        assert cells[4:6] == ["-", "-"]  # a success rate never exceeds 1
        assert cells[8] == "1,024"
        assert 0.0 <= float(cells[6]) <= float(cells[7]) <= 1.0


def test_meter_counts_only_iterations_that_trained_after_the_first(tmp_path: Path) -> None:
    cfg = compose_preset(
        "ppo", seed=0, max_env_steps=1536, eval_every=None, overrides=TINY_PUSH_CUBE
    )
    meter = ComparisonMeter(target=2.0, stop=False)
    with Trainer.from_config(cfg, run_dir=tmp_path, callbacks=[meter]) as trainer:
        meter.per_update = gradient_steps_per_update(cfg, trainer.algorithm)
        trainer.learn()
    assert meter.per_update == (32, 32 * 64)
    # three iterations train; the first is warm-up (it compiles under runtime.compile)
    assert (meter.gradient_steps, meter.samples) == (2 * 32, 2 * 32 * 64)
    assert meter.update_seconds > 0 and meter.hit_step is None


def test_unknown_preset_is_one_line_naming_the_valid_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["algorithms", "--presets", "ppo", "no_such_preset", "--device", "cpu"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert re.search(r"--presets: unknown preset 'no_such_preset'; valid: ppo, ", err)
    assert "pendulum_ppo" in err
