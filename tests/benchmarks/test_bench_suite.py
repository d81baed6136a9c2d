"""``embodichain-bench suite``: statistics against hand math and a brute-force bootstrap,
the threshold crossings, spec validation, one tiny end-to-end suite and its resume."""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
import math
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest

from embodichain_rl.bench.suite_aggregate import pair_aggregate
from embodichain_rl.bench.suite_cell import CellResult, EvalPoint, crossings
from embodichain_rl.bench.suite_plan import Selection, plan_cells
from embodichain_rl.bench.suite_spec import SuiteSpecError, load_spec, parse_spec
from embodichain_rl.bench.suite_stats import (
    bootstrap_replicates,
    first_crossing,
    iqm,
    median,
    stratified_bootstrap_ci,
    sustained_crossing,
    window_mean,
)
from embodichain_rl.cli.bench import main
from embodichain_rl.trainer.curves import read_scalars
from tests.budgets import TINY_RUN

SMOKE_BUDGET = [o for o in TINY_RUN if not o.startswith("runtime.iterations")]
"""Every cell of the tiny suite: 4 envs x 4 steps per iteration (16 env steps)."""

TINY_SPEC = {
    "seeds": [0, 1],
    "sustain": 2,
    "tasks": {
        "push_cube": {"overrides": ["env=push_cube"], "threshold": 0.0},
        "pendulum": {
            "overrides": ["env=gym", "env.gym_id=Pendulum-v1"],
            "metric": "episode_return",
            "threshold": 0.0,  # Pendulum's return is never positive: never reached
        },
    },
    "algorithms": {"ppo": {"overrides": ["algorithm=ppo", "policy=actor_critic"]}},
    "smoke": {"iterations": 3, "eval_every": 2, "overrides": SMOKE_BUDGET},
}
"""2 cells x 2 seeds; 3 iterations with evaluations after the 2nd and at the end."""


def write_spec(folder: Path, data: dict, name: str = "tiny") -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(json.dumps(data))  # JSON is YAML
    return path


# ---------------------------------------------------------------- statistics


def test_iqm_and_median_match_hand_math() -> None:
    assert iqm(np.array([4.0, 1.0, 3.0, 2.0])) == pytest.approx(2.5)  # drops 1 and 4
    # n = 8: drop floor(2) at each end -> mean(2, 3, 4, 5)
    assert iqm(np.array([100.0, 0, 1, 2, 3, 4, 5, 6])) == pytest.approx(3.5)
    assert iqm(np.array([0.0, 0.3, 0.9])) == pytest.approx(0.4)  # n = 3: nothing dropped
    assert median(np.array([0.0, 0.3, 0.9, 1.0])) == pytest.approx(0.6)
    rows = iqm(np.array([[1.0, 2, 3, 4], [10, 0, 0, 10]]))  # the last axis, row by row
    np.testing.assert_allclose(rows, [2.5, 5.0])


def test_stratified_bootstrap_matches_the_exact_resampling_distribution() -> None:
    strata = [[0.0, 1.0], [0.0, 2.0, 4.0]]
    # Every equally likely resample: 2^2 draws from the first stratum x 3^3 from the second.
    exact = np.array(
        [
            np.mean([*a, *b])
            for a in itertools.product(strata[0], repeat=2)
            for b in itertools.product(strata[1], repeat=3)
        ]
    )
    drawn = bootstrap_replicates(strata, lambda x: x.mean(axis=-1), samples=20000, seed=3)
    for atom in np.unique(exact):
        assert np.mean(drawn <= atom + 1e-9) == pytest.approx(
            np.mean(exact <= atom + 1e-9), abs=0.015
        )
    low, high = stratified_bootstrap_ci(strata, lambda x: x.mean(axis=-1), samples=20000, seed=3)
    assert np.mean(exact < low - 1e-9) <= 0.025 + 0.015
    assert np.mean(exact > high + 1e-9) <= 0.025 + 0.015


def test_bootstrap_resamples_within_each_stratum_and_is_seeded() -> None:
    # Two runs per stratum: every stratified replicate pools two 0s and two 1s, so the
    # mean and the median are always 0.5 (resampling the four runs together would vary).
    strata = [[0.0, 0.0], [1.0, 1.0]]
    assert stratified_bootstrap_ci(strata, median, samples=500) == (0.5, 0.5)
    assert stratified_bootstrap_ci(strata, iqm, samples=500) == (0.5, 0.5)
    runs = [[0.1, 0.5, 0.9, 0.2, 0.35, 0.7, 0.6, 0.05]]
    first = bootstrap_replicates(runs, iqm, samples=300, seed=7)
    np.testing.assert_array_equal(first, bootstrap_replicates(runs, iqm, samples=300, seed=7))
    assert not np.array_equal(first, bootstrap_replicates(runs, iqm, samples=300, seed=8))
    low, high = stratified_bootstrap_ci(runs, iqm, samples=300, seed=7)
    assert 0.05 <= low < iqm(np.array(runs[0])) < high <= 0.9


def test_threshold_crossings() -> None:
    assert first_crossing([0.1, 0.5, 0.49, 0.7], 0.5) == 1  # "at or above"
    assert first_crossing([math.nan, 0.2, 0.8], 0.8) == 2
    assert first_crossing([0.1, 0.2], 0.5) is None
    assert sustained_crossing([0.6, 0.7, 0.2, 0.6, 0.6, 0.6], 0.6, 3) == 3
    assert sustained_crossing([0.1, 0.6, 0.6], 0.6, 3) is None  # cut short by the end
    assert sustained_crossing([0.1, 0.6, 0.6], 0.6, 1) == 1
    assert window_mean([1.0, 2.0, 3.0, 4.0], 3) == pytest.approx(3.0)
    assert window_mean([1.0, 2.0], 3) == pytest.approx(1.5)
    assert math.isnan(window_mean([], 3))


def test_crossings_report_the_evaluation_that_crossed() -> None:
    points = [
        EvalPoint(iteration=i, env_steps=100 * i, seconds=1.5 * i, success_rate=s, episode_return=r)
        for i, (s, r) in enumerate([(0.2, 1.0), (0.7, 2.0), (0.5, 3.0), (0.8, 4.0), (0.9, 5.0)], 1)
    ]
    found = crossings(points, metric="success_rate", threshold=0.7, window=3, sustain=2)
    assert (found.hit_env_steps, found.hit_seconds) == (200, pytest.approx(3.0))
    assert found.sustained_hit_env_steps == 400  # 0.8, 0.9: the first pair at or above 0.7
    assert (found.final_success, found.final_return) == (0.9, 5.0)
    assert found.sustained_success == pytest.approx((0.5 + 0.8 + 0.9) / 3)
    assert found.sustained_return == pytest.approx(4.0)
    by_return = crossings(points, metric="episode_return", threshold=4.5, window=3, sustain=2)
    assert (by_return.hit_env_steps, by_return.sustained_hit_env_steps) == (500, None)


def _cell(seed: int, success: float, hit: int | None) -> CellResult:
    return CellResult(
        task="t",
        algorithm="a",
        seed=seed,
        status="ok",
        metric="success_rate",
        threshold=0.5,
        iterations=1,
        env_steps=10,
        wall_s=1.0,
        build_s=0.1,
        train_fps=10.0,
        env_fps=100.0 * (seed + 1),
        final_success=success,
        final_return=success,
        sustained_success=success,
        sustained_return=success,
        hit_env_steps=hit,
        hit_seconds=None if hit is None else hit / 10,
        sustained_hit_env_steps=hit,
        evaluations=1,
        run_dir="",
    )


def test_pair_aggregate_over_seeds() -> None:
    spec = parse_spec(TINY_SPEC, name="tiny")
    cells = [_cell(0, 0.2, 100), _cell(1, 0.9, None), _cell(2, 0.6, 300), _cell(3, 0.4, 200)]
    row = pair_aggregate("t", "a", cells, spec)
    final = row.estimates["final_success"]
    assert final is not None
    assert (final.median, final.iqm) == (pytest.approx(0.5), pytest.approx(0.5))  # mean(.4, .6)
    assert final.median_ci[0] <= 0.5 <= final.median_ci[1]
    assert row.reached == 3 and row.runs == 4
    assert row.hit_env_steps == pytest.approx(250)  # median of 100, 200, 300, never (inf)
    assert row.env_fps == pytest.approx(250)
    never = pair_aggregate("t", "a", [_cell(0, 0.1, None), _cell(1, 0.2, None)], spec)
    assert never.hit_env_steps is None and never.reached == 0


# ---------------------------------------------------------------- spec validation


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"seed": [0]}, r"seed: unknown key \(did you mean 'seeds'\?\)"),
        ({"tasks": {"t": {"threshold": 0.5}}}, r"tasks\.t\.overrides: missing"),
        ({"tasks": {"t": {"overrides": [], "threshold": "high"}}}, r"threshold: must be a number"),
        ({"tasks": {"t": {"overrides": [], "threshold": 1.5}}}, r"success rate is in \[0, 1\]"),
        (
            {"tasks": {"t": {"overrides": [], "threshold": 1, "metric": "reward"}}},
            r"tasks\.t\.metric: must be one of \['success_rate', 'episode_return'\]",
        ),
        (
            {"algorithms": {"a": {"overrides": [], "tasks": ["push_cub"]}}},
            r"algorithms\.a\.tasks: unknown task 'push_cub' \(did you mean 'push_cube'\?\)",
        ),
        ({"pairs": {"push_cube/sac": []}}, r"pairs\.push_cube/sac: not a task/algorithm"),
        ({"seeds": [0, -1]}, r"seeds: must be an integer >= 0, got -1"),
    ],
)
def test_spec_errors_are_one_line_naming_the_key(
    tmp_path: Path, change: dict, message: str
) -> None:
    data = {**TINY_SPEC, **change}
    with pytest.raises(SuiteSpecError, match=message) as caught:
        load_spec(str(write_spec(tmp_path, data)))
    assert str(caught.value).startswith("suite spec ")
    assert len(str(caught.value).splitlines()) == 1


def test_shipped_default_suite_is_the_parity_suite() -> None:
    spec = load_spec("default")
    assert list(spec.tasks) == ["push_cube", "cart_pole", "point_mass"]
    assert list(spec.algorithms) == ["ppo", "grpo", "apg"]
    assert spec.seeds == (0, 1, 2) and spec.final_window == 3
    assert [t.threshold for t in spec.tasks.values()] == [0.6, 0.8, 0.95]
    cells = plan_cells(spec, Selection(smoke=True), Path("unused"))
    pairs = sorted({(c.task, c.algorithm) for c in cells})
    assert len(cells) == 3 * len(pairs) and ("point_mass", "apg") in pairs
    assert ("push_cube", "apg") not in pairs and ("cart_pole", "apg") not in pairs


def test_an_option_that_does_not_compose_names_the_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = {**TINY_SPEC, "algorithms": {"bad": {"overrides": ["algorithm=no_such_algo"]}}}
    out = tmp_path / "out"
    argv = ["suite", "--suite", str(write_spec(tmp_path, data)), "--device", "cpu"]
    assert main([*argv, "--out-dir", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("embodichain-bench suite: error: cell push_cube/bad: algorithm=")
    assert "no_such_algo" in err and "ppo" in err  # the options it could have named
    assert not out.exists()  # refused before anything trained or was written
    assert main([*argv, "--tasks", "pendulm"]) == 2
    err = capsys.readouterr().err.strip()
    assert "--tasks: unknown name 'pendulm' (did you mean 'pendulum'?)" in err


# ---------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def tiny_suite(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], Path, str]:
    """The tiny suite run once: (argv, output dir, stdout)."""
    folder = tmp_path_factory.mktemp("suite")
    spec = write_spec(folder, TINY_SPEC)
    out = folder / "out"
    argv = ["suite", "--suite", str(spec), "--smoke", "--device", "cpu", "--out-dir", str(out)]
    argv += ["--env-fps-steps", "3"]
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(argv) == 0
    return argv, out, buffer.getvalue()


def test_tiny_suite_reports_every_cell(tiny_suite: tuple[list[str], Path, str]) -> None:
    _, out, stdout = tiny_suite
    with (out / "cells.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["task"], r["seed"]) for r in rows] == [
        ("push_cube", "0"),
        ("push_cube", "1"),
        ("pendulum", "0"),
        ("pendulum", "1"),
    ]
    for row in rows:
        run_dir = Path(row["run_dir"])
        summary = json.loads((run_dir / "summary.json").read_text())
        assert (row["status"], int(row["iterations"]), int(row["env_steps"])) == ("ok", 3, 48)
        assert float(row["train_fps"]) == pytest.approx(summary["sps"])
        assert float(row["final_return"]) == pytest.approx(summary["eval_return_mean"])
        assert float(row["env_fps"]) > 0
        # evaluated after iteration 2 (32 env steps) and at the end (48): read back from the
        # run's own TensorBoard log
        steps, returns = read_scalars(run_dir, ["eval/episode_return"])["eval/episode_return"]
        assert (steps, int(row["evaluations"])) == ([32, 48], 2)
        assert float(row["sustained_return"]) == pytest.approx(np.mean(returns), rel=1e-5)
        if row["task"] == "push_cube":  # threshold 0.0: the first evaluation reaches it
            assert float(row["final_success"]) == pytest.approx(summary["eval_success_rate"])
            assert (row["hit_env_steps"], row["sustained_hit_env_steps"]) == ("32", "32")
            assert 0 < float(row["hit_seconds"]) <= float(row["wall_s"])
        else:  # no success reported; a return of 0.0 is never reached
            assert row["final_success"] == row["hit_env_steps"] == row["hit_seconds"] == ""
    with (out / "pairs.csv").open() as handle:
        pairs = {r["task"]: r for r in csv.DictReader(handle)}
    pendulum = [float(r["final_return"]) for r in rows if r["task"] == "pendulum"]
    assert float(pairs["pendulum"]["final_return_median"]) == pytest.approx(np.median(pendulum))
    assert float(pairs["pendulum"]["final_return_iqm"]) == pytest.approx(np.mean(pendulum))
    assert (pairs["push_cube"]["reached"], pairs["pendulum"]["reached"]) == ("2", "0")
    assert pairs["pendulum"]["final_success_iqm"] == ""
    results = json.loads((out / "results.json").read_text(), parse_constant=_no_constants)
    assert len(results["cells"]) == 4 and len(results["cells"][0]["evals"]) == 2
    assert [a["algorithm"] for a in results["algorithms"]] == ["ppo"]
    report = (out / "report.md").read_text()
    for heading in ("## Tasks x algorithms", "## Algorithms over tasks", "## Cells"):
        assert heading in report and heading in stdout
    assert report.count("| push_cube | ppo |") == 3  # one pair row, two cell rows
    for name in ("curves_push_cube", "curves_pendulum", "aggregate"):
        image = matplotlib.image.imread(out / "plots" / f"{name}.png")
        assert image.ndim == 3 and image.shape[0] > 100


def _no_constants(name: str) -> float:
    raise AssertionError(f"results.json holds {name}")


def test_running_again_skips_finished_cells(
    tiny_suite: tuple[list[str], Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    argv, out, _ = tiny_suite
    records = sorted(out.glob("cells/*/*/*/cell.json"))
    assert len(records) == 4
    before = {p: p.stat().st_mtime_ns for p in records}
    assert main(argv) == 0
    assert "4 cells, 4 done, 0 to run" in capsys.readouterr().out
    assert {p: p.stat().st_mtime_ns for p in records} == before
    redo = out / "cells" / "pendulum" / "ppo" / "seed_1" / "cell.json"
    redo.unlink()  # as if the suite had been killed during that cell
    assert main(argv) == 0
    assert "4 cells, 3 done, 1 to run" in capsys.readouterr().out
    assert redo.is_file()
    assert all(p.stat().st_mtime_ns == t for p, t in before.items() if p != redo)
    # the same directory with another budget is refused, not mixed into one report
    assert main([*argv, "--iterations", "2"]) == 2
    err = capsys.readouterr().err.strip()
    assert "cell push_cube/ppo/seed 0:" in err and "--fresh" in err
