"""Sweep helpers without subprocesses: plugin hints, threads per job, records and grouping."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from embodichain_rl.sweep.callback import failure_line
from embodichain_rl.sweep.plot import group_jobs
from embodichain_rl.sweep.plugins import missing_plugin_hint
from embodichain_rl.sweep.records import collect_jobs, swept_keys
from embodichain_rl.sweep.report import write_report
from embodichain_rl.sweep.threads import threads_per_job


@pytest.mark.parametrize(
    ("args", "plugin"),
    [
        (["-m", "hydra/launcher=joblib", "runtime.seed=0,1"], "hydra-joblib-launcher"),
        (["hydra/launcher=submitit_local"], "hydra-submitit-launcher"),
        (["hydra/launcher=slurm"], "hydra-submitit-launcher"),
        (["hydra/sweeper=optuna"], "hydra-optuna-sweeper"),
        (["+sweep=ppo_push_cube"], "hydra-optuna-sweeper"),
    ],
)
def test_missing_plugin_hint_names_the_plugin_and_the_extra(args: list[str], plugin: str) -> None:
    hint = missing_plugin_hint(args, installed=lambda module: False)
    assert hint is not None
    assert plugin in hint
    assert "embodichain-rl[sweep]" in hint
    assert missing_plugin_hint(args, installed=lambda module: True) is None


@pytest.mark.parametrize("launcher", ["slurm", "submitit_slurm"])
def test_slurm_multirun_without_sbatch(launcher: str) -> None:
    args = ["-m", f"hydra/launcher={launcher}", "runtime.seed=0,1"]
    hint = missing_plugin_hint(args, installed=lambda module: True, which=lambda name: None)
    assert hint is not None
    assert hint.startswith(f"hydra/launcher={launcher} submits each job with sbatch")
    assert "hydra/launcher=submitit_local" in hint
    has_sbatch = lambda name: f"/usr/bin/{name}"  # noqa: E731
    assert missing_plugin_hint(args, installed=lambda m: True, which=has_sbatch) is None
    # a single run never uses the launcher; a later launcher choice wins
    single = args[1:2]
    assert missing_plugin_hint(single, installed=lambda m: True, which=lambda n: None) is None
    local = [*args, "hydra/launcher=submitit_local"]
    assert missing_plugin_hint(local, installed=lambda m: True, which=lambda n: None) is None


def test_no_hint_for_core_options() -> None:
    args = ["-m", "hydra/launcher=basic", "algorithm.gamma=0.9,0.99", "env=gym"]
    assert missing_plugin_hint(args, installed=lambda module: False) is None


@pytest.mark.parametrize(
    ("launcher", "cpus", "threads"),
    [
        ({"n_jobs": 2}, 8, 4),
        ({"n_jobs": 4}, 2, 1),
        ({"n_jobs": -1}, 8, 1),
        ({"n_jobs": -2}, 8, 1),
        ({"n_jobs": -5}, 8, 2),
        ({"cpus_per_task": 6, "tasks_per_node": 1}, 16, 6),
        ({"cpus_per_task": None, "tasks_per_node": 1}, 16, None),
        ({"_target_": "hydra._internal.core_plugins.basic_launcher.BasicLauncher"}, 8, None),
    ],
)
def test_threads_per_job(launcher: dict[str, object], cpus: int, threads: int | None) -> None:
    assert threads_per_job(launcher, cpus) == threads


def _job(root: Path, num: int, overrides: list[str], objective: float | None) -> None:
    job_dir = root / str(num)
    (job_dir / ".hydra").mkdir(parents=True)
    (job_dir / ".hydra" / "overrides.yaml").write_text(yaml.safe_dump(overrides))
    (job_dir / ".hydra" / "hydra.yaml").write_text(yaml.safe_dump({"hydra": {"job": {"num": num}}}))
    if objective is None:
        status = {"status": "failed", "objective": None, "wall_time_s": 1.0, "error": "E: x"}
    else:
        status = {"status": "ok", "objective": objective, "wall_time_s": 2.0, "error": None}
        summary = {"eval_success_rate": objective, "eval_return_mean": 10 * objective}
        (job_dir / "summary.json").write_text(json.dumps(summary))
    (job_dir / "status.json").write_text(json.dumps(status))


def test_groups_aggregate_seeds_and_count_failures(tmp_path: Path) -> None:
    values = {("0.9", "0"): 0.2, ("0.9", "1"): 0.6, ("0.99", "0"): 0.5, ("0.99", "1"): None}
    for num, ((gamma, seed), objective) in enumerate(values.items()):
        _job(tmp_path, num, [f"algorithm.gamma={gamma}", f"runtime.seed={seed}", "a=1"], objective)
    (tmp_path / "9" / ".hydra").mkdir(parents=True)
    (tmp_path / "9" / ".hydra" / "overrides.yaml").write_text("[algorithm.gamma=0.5]\n")
    (tmp_path / "9" / ".hydra" / "hydra.yaml").write_text("hydra: {job: {num: 9}}\n")

    records = collect_jobs(tmp_path)
    assert [r.status for r in records] == ["ok", "ok", "ok", "failed", "incomplete"]
    assert swept_keys(records) == ["algorithm.gamma", "runtime.seed", "a"]

    groups = group_jobs(records[:4])
    assert [g.label for g in groups] == ["gamma=0.9", "gamma=0.99"]
    assert groups[0].mean == pytest.approx(0.4)
    assert groups[0].spread == pytest.approx(0.2)
    assert groups[1].objectives == [0.5]
    assert groups[1].not_ok == 1

    report = write_report(tmp_path)
    assert (report.jobs, report.not_ok) == (5, 2)
    assert failure_line(records, tmp_path) == (
        f"2 of 5 jobs failed (1 did not finish); records in {tmp_path}"
    )
    assert failure_line(records[:4], tmp_path) == f"1 of 4 jobs failed; records in {tmp_path}"
    assert failure_line(records[:3], tmp_path) is None
