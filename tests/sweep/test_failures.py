"""A diverging job: recorded as failed in a sweep (the others run), raised in a single run."""

from __future__ import annotations

from pathlib import Path

from tests.sweep.cli import TINY, job_dirs, read_csv, read_json, train

DIVERGE = "algorithm.learning_rate=1e30"
"""Adam steps of 1e30 make the policy loss NaN within the first update."""


def test_diverging_job_is_recorded_and_the_sweep_goes_on(tmp_path: Path) -> None:
    sweep_dir = tmp_path / "sweep"
    result = train(
        "-m",
        "algorithm.learning_rate=1e30,1e-3",
        *TINY,
        f"hydra.sweep.dir={sweep_dir}",
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stderr[-3000:]
    assert result.stderr.splitlines()[-1] == f"1 of 2 jobs failed; records in {sweep_dir}"
    failed_dir, ok_dir = job_dirs(sweep_dir)

    status = read_json(failed_dir / "status.json")
    assert status["status"] == "failed"
    assert status["objective"] is None
    assert status["error"].startswith("FloatingPointError: non-finite train/")
    assert "FloatingPointError" in (failed_dir / "error.txt").read_text()
    assert not (failed_dir / "summary.json").exists()

    assert read_json(ok_dir / "status.json")["status"] == "ok"
    assert (ok_dir / "summary.json").is_file()

    failed_row, ok_row = read_csv(sweep_dir / "sweep_summary.csv")
    assert failed_row["status"] == "failed"
    assert failed_row["objective"] == ""
    assert failed_row["error"] == status["error"]
    assert ok_row["status"] == "ok"
    assert float(ok_row["objective"]) == read_json(ok_dir / "summary.json")["eval_success_rate"]
    assert (sweep_dir / "sweep_summary.png").is_file()


def test_diverging_single_run_exits_nonzero_and_records_the_error(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    result = train(DIVERGE, *TINY, f"hydra.run.dir={run_dir}", cwd=tmp_path)
    assert result.returncode != 0
    assert "FloatingPointError" in result.stderr
    assert read_json(run_dir / "status.json")["status"] == "failed"
    assert "FloatingPointError" in (run_dir / "error.txt").read_text()
