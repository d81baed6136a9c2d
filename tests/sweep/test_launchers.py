"""Hydra plugins from the ``sweep`` extra: joblib, Optuna, submitit (skipped without it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from embodichain_rl.sweep.threads import available_cpus
from tests.sweep.cli import TINY, job_dirs, read_csv, read_json, train

SEARCHED = (
    "algorithm.learning_rate",
    "algorithm.gamma",
    "algorithm.gae_lambda",
    "algorithm.clip_coef",
    "algorithm.ent_coef",
    "algorithm.n_epochs",
)


def test_joblib_runs_two_workers_with_a_share_of_the_cpu_each(tmp_path: Path) -> None:
    pytest.importorskip("hydra_plugins.hydra_joblib_launcher")
    sweep_dir = tmp_path / "sweep"
    budget = [arg for arg in TINY if not arg.startswith("runtime.torch_threads")]
    result = train(
        "-m",
        "hydra/launcher=joblib",
        "hydra.launcher.n_jobs=2",
        "runtime.seed=0,1",
        *budget,
        f"hydra.sweep.dir={sweep_dir}",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Joblib.Parallel(n_jobs=2" in result.stdout + result.stderr
    dirs = job_dirs(sweep_dir)
    assert len(dirs) == 2
    for job_dir in dirs:
        status = read_json(job_dir / "status.json")
        assert status["status"] == "ok"
        assert status["torch_threads"] == max(1, available_cpus() // 2)
        assert (job_dir / "summary.json").is_file()
    assert [row["status"] for row in read_csv(sweep_dir / "sweep_summary.csv")] == ["ok", "ok"]


def test_optuna_preset_runs_two_trials_and_writes_results(tmp_path: Path) -> None:
    pytest.importorskip("hydra_plugins.hydra_optuna_sweeper")
    sweep_dir = tmp_path / "sweep"
    budget = [arg for arg in TINY if not arg.startswith("algorithm.n_epochs")]
    result = train(
        "+sweep=ppo_push_cube",
        "hydra.sweeper.n_trials=2",
        *budget,
        f"hydra.sweep.dir={sweep_dir}",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "A new study created in memory" in result.stderr
    dirs = job_dirs(sweep_dir)
    assert [d.name for d in dirs] == ["0", "1"]
    results = yaml.safe_load((sweep_dir / "optimization_results.yaml").read_text())
    assert set(results["best_params"]) == set(SEARCHED)
    rows = read_csv(sweep_dir / "sweep_summary.csv")
    assert len(rows) == 2
    assert results["best_value"] == max(float(row["objective"]) for row in rows)
    for job_dir, row in zip(dirs, rows, strict=True):
        config = yaml.safe_load((job_dir / ".hydra" / "config.yaml").read_text())
        assert 1e-4 <= config["algorithm"]["learning_rate"] <= 3e-3
        assert 2 <= config["algorithm"]["n_epochs"] <= 8
        assert set(SEARCHED) <= set(row)
        assert read_json(job_dir / "status.json")["status"] == "ok"


def test_submitit_local_runs_one_job(tmp_path: Path) -> None:
    pytest.importorskip("hydra_plugins.hydra_submitit_launcher")
    sweep_dir = tmp_path / "sweep"
    result = train(
        "-m",
        "hydra/launcher=submitit_local",
        "hydra.launcher.timeout_min=5",
        "runtime.seed=3",
        *TINY,
        f"hydra.sweep.dir={sweep_dir}",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (sweep_dir / ".submitit").is_dir()
    (job_dir,) = job_dirs(sweep_dir)
    summary = read_json(job_dir / "summary.json")
    assert read_json(job_dir / "status.json")["objective"] == summary["eval_success_rate"]
    (row,) = read_csv(sweep_dir / "sweep_summary.csv")
    assert row["status"] == "ok"
    assert row["job"] == job_dir.name


def test_joblib_sweep_with_failed_jobs_exits_1_with_the_count(tmp_path: Path) -> None:
    pytest.importorskip("hydra_plugins.hydra_joblib_launcher")
    sweep_dir = tmp_path / "sweep"
    budget = [arg for arg in TINY if not arg.startswith("runtime.torch_threads")]
    result = train(
        "-m",
        "hydra/launcher=joblib",
        "hydra.launcher.n_jobs=2",
        "algorithm.learning_rate=1e30,1e-3",
        "runtime.seed=0,1",
        *budget,
        f"hydra.sweep.dir={sweep_dir}",
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stderr[-3000:]
    assert result.stderr.splitlines()[-1] == f"2 of 4 jobs failed; records in {sweep_dir}"
    statuses = [read_json(d / "status.json")["status"] for d in job_dirs(sweep_dir)]
    assert statuses == ["failed", "failed", "ok", "ok"]
    assert all((d / "error.txt").is_file() for d in job_dirs(sweep_dir)[:2])
    rows = read_csv(sweep_dir / "sweep_summary.csv")
    assert [row["status"] for row in rows] == statuses
    assert (sweep_dir / "sweep_summary.png").is_file()


def test_slurm_launcher_without_sbatch_says_so_before_anything_runs(tmp_path: Path) -> None:
    pytest.importorskip("hydra_plugins.hydra_submitit_launcher")
    if shutil.which("sbatch") is not None:
        pytest.skip("this machine has sbatch: the SLURM launcher would submit real jobs")
    result = train("-m", "hydra/launcher=slurm", "runtime.seed=0,1", *TINY, cwd=tmp_path)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: hydra/launcher=slurm submits each job with sbatch")
    assert "not on this machine's PATH" in line
    assert "hydra/launcher=submitit_local" in line
    assert list(tmp_path.iterdir()) == []
