"""`embodichain-train -m` with Hydra's basic sweeper: layout, per-job files, the report."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml
from PIL import Image

from tests.sweep.cli import PNG_SIGNATURE, TINY, job_dirs, read_csv, read_json, run_module, train


@pytest.fixture(scope="module")
def basic_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2 x 2 sweep (gamma x seed) with a tiny budget; returns the sweep root."""
    root = tmp_path_factory.mktemp("basic")
    sweep_dir = root / "sweep"
    result = train(
        "-m",
        "algorithm.gamma=0.95,0.99",
        "runtime.seed=0,1",
        *TINY,
        f"hydra.sweep.dir={sweep_dir}",
        cwd=root,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return sweep_dir


def test_four_jobs_each_in_a_dir_named_by_its_overrides(basic_sweep: Path) -> None:
    dirs = job_dirs(basic_sweep)
    assert len(dirs) == 4
    expected = [(g, s) for g in ("0.95", "0.99") for s in ("0", "1")]
    for number, (job_dir, (gamma, seed)) in enumerate(zip(dirs, expected, strict=True)):
        assert job_dir.name.startswith(f"{number}_")
        assert f"algorithm.gamma={gamma}" in job_dir.name
        assert f"runtime.seed={seed}" in job_dir.name
        config = yaml.safe_load((job_dir / ".hydra" / "config.yaml").read_text())
        assert config["algorithm"]["gamma"] == float(gamma)
        assert config["runtime"]["seed"] == int(seed)
        summary = read_json(job_dir / "summary.json")
        assert summary["iterations"] == 1
        status = read_json(job_dir / "status.json")
        assert status["status"] == "ok"
        assert status["objective"] == summary["eval_success_rate"]
        assert not (job_dir / "error.txt").exists()
    multirun = yaml.safe_load((basic_sweep / "multirun.yaml").read_text())
    assert "algorithm.gamma=0.95,0.99" in multirun["hydra"]["overrides"]["task"]


def test_summary_csv_has_a_row_per_job_matching_its_summary(basic_sweep: Path) -> None:
    rows = read_csv(basic_sweep / "sweep_summary.csv")
    dirs = job_dirs(basic_sweep)
    assert [row["job"] for row in rows] == [d.name for d in dirs]
    for row, job_dir in zip(rows, dirs, strict=True):
        summary = read_json(job_dir / "summary.json")
        status = read_json(job_dir / "status.json")
        assert row["status"] == "ok"
        assert float(row["objective"]) == summary["eval_success_rate"]
        assert float(row["eval_success_rate"]) == summary["eval_success_rate"]
        assert math.isclose(float(row["eval_return_mean"]), summary["eval_return_mean"])
        assert math.isclose(float(row["wall_time_s"]), status["wall_time_s"])
        overrides = yaml.safe_load((job_dir / ".hydra" / "overrides.yaml").read_text())
        assert row["overrides"].split() == overrides
        assert row["error"] == ""
    assert [(r["algorithm.gamma"], r["runtime.seed"]) for r in rows] == [
        ("0.95", "0"),
        ("0.95", "1"),
        ("0.99", "0"),
        ("0.99", "1"),
    ]
    assert "env.num_envs" not in rows[0], "only swept keys get a column"


def test_plot_is_a_png(basic_sweep: Path) -> None:
    plot = basic_sweep / "sweep_summary.png"
    assert plot.read_bytes().startswith(PNG_SIGNATURE)
    with Image.open(plot) as image:
        assert image.format == "PNG"
        assert image.width > 100 and image.height > 100


def test_report_cli_rewrites_the_report(basic_sweep: Path, tmp_path: Path) -> None:
    csv_path = basic_sweep / "sweep_summary.csv"
    before = csv_path.read_text()
    csv_path.unlink()
    (basic_sweep / "sweep_summary.png").unlink()
    result = run_module("embodichain_rl.cli.sweep_report", str(basic_sweep), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "4 jobs, 0 failed or unfinished" in result.stdout
    assert csv_path.read_text() == before
    assert (basic_sweep / "sweep_summary.png").read_bytes().startswith(PNG_SIGNATURE)


def test_report_cli_fails_on_a_dir_without_jobs(tmp_path: Path) -> None:
    result = run_module("embodichain_rl.cli.sweep_report", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert "no Hydra job" in result.stderr
