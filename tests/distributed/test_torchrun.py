"""``torchrun`` with 2 CPU processes: only rank 0 writes, resume works, a failing rank ends
the job."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from embodichain_rl.distributed import rank_seed
from embodichain_rl.envs.push_cube.env import PushCubeEnv

TINY = (
    "env.num_envs=4",
    "runtime.iterations=2",
    "runtime.rollout_steps=4",
    "eval.num_envs=2",
    "eval.freq=1",
    "checkpoint.save_freq=1",
    "runtime.device=cpu",
    "logging.progress_bar=false",
    "runtime.torch_threads=1",
    "runtime.seed=42",
    "algorithm.num_minibatches=2",
    "algorithm.n_epochs=1",
)
JOB_TIMEOUT_S = 120
GROUP_LEAK_WARNING = "still referenced after destroy_process_group"
"""What a rank logs when its process group outlives the job (its threads can abort it)."""


def torchrun(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``torchrun --standalone --nproc_per_node=2 ARGS`` in ``cwd``, one thread per rank."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "EMBODICHAIN_DIST_TIMEOUT_S": "60"}
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2"]
    return subprocess.run(
        [*command, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=JOB_TIMEOUT_S,
        check=False,
    )


def console_script() -> str:
    """The installed ``embodichain-train`` (a Python script torchrun can run)."""
    script = Path(sys.executable).parent / "embodichain-train"
    if not script.is_file():
        pytest.skip("embodichain-train is not installed next to this Python")
    return str(script)


def seed_key(seed: int) -> torch.Tensor:
    env = PushCubeEnv(num_envs=4, device="cpu")
    env.reset(seed=seed)
    return env.state_dict()["seed_key"]


def test_only_rank_zero_writes_and_resume_continues(tmp_path: Path) -> None:
    done = torchrun(console_script(), *TINY, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert GROUP_LEAK_WARNING not in done.stdout + done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outputs"]
    (run_dir,) = (tmp_path / "outputs").iterdir()
    assert len(list(tmp_path.rglob("events.out.tfevents*"))) == 1
    assert len(list(tmp_path.rglob("summary.json"))) == 1
    assert len(list(tmp_path.rglob("status.json"))) == 1
    names = sorted(p.name for p in (run_dir / "checkpoints").iterdir())
    assert names == ["best.pt", "iter_000001.pt", "iter_000002.pt", "last.pt"]
    last = torch.load(run_dir / "checkpoints" / "last.pt", weights_only=False)
    assert last["global_step"] == 2 * 4 * 4 * 2  # iterations x T x envs per rank x ranks
    assert torch.equal(last["env"]["seed_key"], seed_key(42))
    assert not torch.equal(last["env"]["seed_key"], seed_key(rank_seed(42, 1)))

    resumed = torchrun(
        "-m",
        "embodichain_rl.train",
        f"runtime.resume={run_dir}",
        "runtime.iterations=3",
        cwd=tmp_path,
    )
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    runs = sorted((tmp_path / "outputs").iterdir())
    assert len(runs) == 2
    new_run = next(r for r in runs if r != run_dir)
    final = torch.load(new_run / "checkpoints" / "last.pt", weights_only=False)
    assert final["iteration"] == 3


SAC_TINY = (
    "+experiment=push_cube_sac",
    "+debug=smoke_off_policy",
    "runtime.iterations=4",
    "runtime.rollout_steps=2",
    "eval.freq=2",
    "checkpoint.save_freq=2",
    "runtime.device=cpu",
    "runtime.torch_threads=1",
    "runtime.seed=42",
    "algorithm.save_replay_buffer=true",
)


def test_sac_trains_resumes_and_keeps_its_replay_buffer_under_torchrun(tmp_path: Path) -> None:
    done = torchrun(console_script(), *SAC_TINY, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert GROUP_LEAK_WARNING not in done.stdout + done.stderr
    (run_dir,) = (tmp_path / "outputs").iterdir()
    last = torch.load(run_dir / "checkpoints" / "last.pt", weights_only=False)
    assert last["global_step"] == 4 * 2 * 4 * 2  # iterations x T x envs per rank x ranks
    algorithm = last["algorithm"]
    assert algorithm["env_steps"] == 4 * 2 * 4  # this rank's transitions
    assert algorithm["gradient_steps"] > 0
    assert algorithm["replay_buffer"]["filled_rows"] == 4 * 2  # rank 0's ring, T x iterations

    resumed = torchrun(
        "-m",
        "embodichain_rl.train",
        f"runtime.resume={run_dir}",
        "runtime.iterations=6",
        cwd=tmp_path,
    )
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "resumed the replay buffer: 32 transitions" in resumed.stdout + resumed.stderr
    new_run = next(r for r in (tmp_path / "outputs").iterdir() if r != run_dir)
    final = torch.load(new_run / "checkpoints" / "last.pt", weights_only=False)
    assert final["iteration"] == 6
    assert final["algorithm"]["env_steps"] == 6 * 2 * 4


FAILING_MODULE = """
import os

if os.environ.get("RANK") == "1":
    raise RuntimeError("sim licence server unreachable from this node")
"""


def test_a_failing_rank_ends_the_job_with_its_error(tmp_path: Path) -> None:
    (tmp_path / "flaky_sim.py").write_text(FAILING_MODULE)
    start = time.perf_counter()
    done = torchrun(
        "-m", "embodichain_rl.train", *TINY, "runtime.imports=[flaky_sim]", cwd=tmp_path
    )
    elapsed = time.perf_counter() - start
    assert done.returncode != 0
    assert "sim licence server unreachable from this node" in done.stdout + done.stderr
    assert elapsed < 60, f"the job took {elapsed:.0f} s to end"
