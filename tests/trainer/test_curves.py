"""Every run writes curves.png; embodichain-plot overlays several runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from embodichain_rl.cli.plot import main as plot_main
from embodichain_rl.trainer.curves import (
    EPISODES_TAG,
    MIN_POOL,
    plot_runs,
    pool_episodes,
    read_scalars,
)
from embodichain_rl.trainer.loggers import TensorBoardLogger
from embodichain_rl.trainer.run import run
from tests.trainer.resume_helpers import TINY


def test_runs_write_curves_and_plot_overlays_them(compose_train, tmp_path: Path) -> None:
    dirs = [tmp_path / "a", tmp_path / "b"]
    for seed, run_dir in enumerate(dirs):
        cfg = compose_train(*TINY, "runtime.iterations=2", "eval.freq=1", f"runtime.seed={seed}")
        run(cfg, run_dir)
        with Image.open(run_dir / "curves.png") as image:
            assert image.format == "PNG"
            assert image.width > 400
        series = read_scalars(run_dir, ["eval/success_rate", "charts/success_rate"])
        assert series["eval/success_rate"][0] == [64, 128]
    out = tmp_path / "overlay.png"
    plot_main([*map(str, dirs), "--out", str(out)])
    with Image.open(out) as image:
        assert image.format == "PNG"


# An early-training pattern: a few fast successes finish first, then the first wave of
# time-limit truncations (mostly failures) lands, then steady iterations.
STEPS = [100, 200, 300, 400, 500, 600]
RATES = [1.0, 1.0, 0.5, 0.0, 0.5, 1.0]
COUNTS = [2.0, 2.0, 4.0, 100.0, 10.0, 10.0]


def test_training_success_pools_recent_completed_episodes() -> None:
    curve = pool_episodes((STEPS, RATES), (STEPS, COUNTS))
    assert curve.pool == 100  # the largest per-iteration count: about one episode per env
    assert curve.first_full == 3  # 2 + 2 + 4 + 100 episodes done at the 4th point
    expected = [1.0, 1.0, 6 / 8, 0 / 100, 5 / 110, 15 / 120]
    assert curve.values == pytest.approx(expected)
    assert curve.steps == STEPS
    assert curve.episodes == COUNTS


def test_small_runs_pool_at_least_min_pool_episodes() -> None:
    steps = list(range(1, 31))
    curve = pool_episodes((steps, [float(s % 2) for s in steps]), (steps, [1.0] * 30))
    assert curve.pool == MIN_POOL
    assert curve.first_full == MIN_POOL - 1
    assert curve.values[-1] == pytest.approx(10 / 20)  # the last 20 episodes, half successes


def test_iterations_without_finished_episodes_are_skipped() -> None:
    curve = pool_episodes(([1, 3], [1.0, 0.0]), ([1, 2, 3], [30.0, 0.0, 30.0]), pool=40)
    assert curve.steps == [1, 3]
    assert curve.values == pytest.approx([1.0, 0.5])
    assert curve.first_full == 1


def test_curves_png_from_real_event_files(tmp_path: Path) -> None:
    sink = TensorBoardLogger(tmp_path / "logs")
    for step, rate, count in zip(STEPS, RATES, COUNTS, strict=True):
        scalars = {"charts/success_rate": rate, "charts/episodes": count}
        sink.log_scalars({**scalars, "charts/episode_return": 10 * rate}, step)
    sink.log_scalars({"eval/success_rate": 0.1, "eval/episode_return": 1.0}, STEPS[-1])
    sink.close()
    out = plot_runs([tmp_path], tmp_path / "curves.png")
    with Image.open(out) as image:
        assert image.format == "PNG"
    series = read_scalars(tmp_path, ["charts/success_rate", EPISODES_TAG])
    curve = pool_episodes(series["charts/success_rate"], series[EPISODES_TAG])
    assert curve.values[curve.first_full :] == pytest.approx([0.0, 5 / 110, 15 / 120])
