"""Bad input, as a user types it: every case is a real console-script run in an empty
directory that must exit 2 with one ``error:`` line naming the key (or file), print no
traceback and write nothing. The table of cases and their messages: docs/reliability.md."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import torch

EXIT_BAD_INPUT = 2
"""Exit status of every command line refused before it starts."""

TIMEOUT_S = 90
"""A case exits in seconds; one that starts training instead is stopped (and fails)."""

RUN_DIR = "{run}"
"""Placeholder in a case's argv for ``<tmp>/run`` (the run directory it must not create)."""

Setup = Callable[[Path], None]


@dataclass
class Case:
    """One bad command line and what its one error line must name."""

    argv: list[str]
    """Console script and its arguments (``{run}``: the run directory)."""
    names: list[str]
    """Substrings the error line must contain: the key as typed, the file, the hint."""
    setup: Setup | None = None
    """Creates what the case needs in the empty working directory (kept byte-identical)."""
    env: dict[str, str] = field(default_factory=dict)
    """Extra environment for the command."""
    pending: str | None = None
    """Why the case does not pass yet (owner and today's behaviour): an expected failure."""
    skip: str | None = None
    """Why the case cannot be checked on this machine (e.g. it has the GPU it asks for)."""


def _train(*args: str) -> list[str]:
    return ["embodichain-train", *args, f"hydra.run.dir={RUN_DIR}"]


def _write(name: str, text: str) -> Setup:
    def setup(cwd: Path) -> None:
        (cwd / name).write_text(text)

    return setup


def _finished_run(cwd: Path) -> None:
    run = cwd / "run"
    (run / "checkpoints").mkdir(parents=True)
    (run / ".hydra").mkdir()
    (run / ".hydra" / "config.yaml").write_text("runtime:\n  seed: 42\n")
    (run / "status.json").write_text(json.dumps({"status": "ok"}))
    (run / "summary.json").write_text(json.dumps({"iterations": 1, "global_steps": 16}))
    (run / "checkpoints" / "last.pt").write_bytes(os.urandom(256))
    (run / "train.log").write_text("a finished run\n")


HAS_CUDA = torch.cuda.is_available()
NO_CUDA_SKIP = "this machine has a GPU" if HAS_CUDA else None

CASES: dict[str, Case] = {
    "typo": Case(_train("algorithm.gama=0.9"), ["algorithm.gama", "did you mean 'gamma'"]),
    "typo-forced-in": Case(
        _train("+algorithm.gama=0.9"), ["algorithm.gama", "did you mean 'gamma'"]
    ),
    "wrong-type": Case(_train("algorithm.n_epochs=many"), ["algorithm.n_epochs", "'many'"]),
    "unknown-option": Case(_train("env=push_sphere"), ["env=push_sphere", "push_cube", "gym"]),
    "gamma-range": Case(_train("algorithm.gamma=1.5"), ["algorithm.gamma", "got 1.5"]),
    "num-envs-negative": Case(_train("env.num_envs=-5"), ["env.num_envs must be >= 1, got -5"]),
    "num-envs-zero": Case(_train("env.num_envs=0"), ["env.num_envs must be >= 1, got 0"]),
    "iterations-zero": Case(
        _train("runtime.iterations=0"), ["runtime.iterations must be >= 1, got 0"]
    ),
    "moved-key-eval-freq": Case(_train("runtime.eval_freq=-1"), ["eval.freq must be >= 0, got -1"]),
    "eval-num-envs-zero": Case(_train("eval.num_envs=0"), ["eval.num_envs must be >= 1, got 0"]),
    "rollout-steps-zero": Case(
        _train("runtime.rollout_steps=0"), ["runtime.rollout_steps must be >= 1, got 0"]
    ),
    "seed-negative": Case(_train("runtime.seed=-1"), ["runtime.seed must be >= 0, got -1"]),
    "save-freq-negative": Case(
        _train("checkpoint.save_freq=-1"), ["checkpoint.save_freq must be >= 0, got -1"]
    ),
    "not-one-of": Case(_train("logging.wandb_mode=cloud"), ["logging.wandb_mode", "offline"]),
    "empty-actor": Case(
        _train("policy.actor.hidden_sizes=[]"),
        ["policy.actor", "hidden_sizes must list at least one layer"],
    ),
    "clip-obs-zero": Case(
        _train("policy.clip_obs=0"),
        ["policy.clip_obs"],
    ),
    "batch-larger-than-rollout": Case(
        _train("algorithm.batch_size=1000000", "algorithm.num_minibatches=null"),
        ["algorithm.batch_size=1000000", "32768 samples"],
    ),
    "minibatches-more-than-samples": Case(
        _train("algorithm.num_minibatches=100000"),
        ["algorithm.num_minibatches=100000", "32768 samples"],
    ),
    "device-banana": Case(_train("runtime.device=banana"), ["runtime.device='banana'"]),
    "device-cuda-7": Case(
        _train("runtime.device=cuda:7"),
        ["runtime.device='cuda:7'"],
        skip="this machine has 8 GPUs" if torch.cuda.device_count() > 7 else None,
    ),
    "cudagraphs-on-cpu": Case(
        _train("runtime.compile=cudagraphs"), ["runtime.compile=cudagraphs"], skip=NO_CUDA_SKIP
    ),
    "import-missing": Case(
        _train("runtime.imports=[not_a_module]"), ["runtime.imports", "not_a_module"]
    ),
    "resume-missing": Case(_train("runtime.resume=/nonexistent"), ["runtime.resume=/nonexistent"]),
    "missing-value": Case(_train("runtime.exp_name=???"), ["runtime.exp_name", "???"]),
    "missing-group": Case(_train("~env"), ["env: missing value"]),
    "parse-error": Case(_train("algorithm.gamma=="), ["algorithm.gamma=="]),
    "finished-run-dir": Case(
        _train(), ["already holds a run", "runtime.overwrite=true"], setup=_finished_run
    ),
    "wandb-without-account": Case(
        _train("logging.use_wandb=true"), ["logging.wandb_mode=online", "wandb login"]
    ),
    "slurm-without-sbatch": Case(
        ["embodichain-train", "-m", "hydra/launcher=slurm"],
        ["hydra/launcher=slurm", "sbatch"],
        skip="sbatch is on PATH" if shutil.which("sbatch") else None,
    ),
    "sweep-one-bad-value": Case(
        ["embodichain-train", "-m", "algorithm.gamma=0.9,1.5"], ["algorithm.gamma", "got 1.5"]
    ),
    "legacy-json-unknown-key": Case(
        ["embodichain-train", "--json", "bad.json", f"hydra.run.dir={RUN_DIR}"],
        ["bad.json", "runtime.iteration", "did you mean 'iterations'"],
        setup=_write("bad.json", json.dumps({"runtime": {"iteration": 3}})),
    ),
    "legacy-json-deeply-nested": Case(
        ["embodichain-train", "--json", "deep.json", f"hydra.run.dir={RUN_DIR}"],
        ["deep.json", "nested deeper than"],
        setup=_write("deep.json", "[" * 100_000 + "]" * 100_000),
    ),
    "bench-cuda-on-cpu": Case(
        ["embodichain-bench", "train", "--device", "cuda"], ["--device cuda"], skip=NO_CUDA_SKIP
    ),
    "eval-missing-checkpoint": Case(
        ["embodichain-eval", "checkpoint=/nonexistent.pt"], ["/nonexistent.pt"]
    ),
    "eval-typo": Case(
        ["embodichain-eval", "chekpoint=x.pt"], ["chekpoint", "did you mean 'checkpoint'"]
    ),
    "eval-no-checkpoint": Case(["embodichain-eval"], ["checkpoint"]),
    "export-missing-checkpoint": Case(
        ["embodichain-export", "checkpoint=/nonexistent.pt"], ["/nonexistent.pt"]
    ),
    "convert-missing-file": Case(
        ["embodichain-convert", "/nonexistent.json", "-o", "out.yaml"],
        ["/nonexistent.json", "file not found"],
    ),
    "convert-unknown-key": Case(
        ["embodichain-convert", "bad.json", "-o", "out.yaml"],
        ["bad.json", "runtime.iteration"],
        setup=_write("bad.json", json.dumps({"runtime": {"iteration": 3}})),
    ),
}


def _script(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).with_name(name))
    if not Path(found).is_file():
        pytest.skip(f"console script {name} is not installed")
    return found


def _snapshot(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` (directories as ``None``, files with their bytes)."""
    return {
        str(path.relative_to(root)): None if path.is_dir() else path.read_bytes()
        for path in sorted(root.rglob("*"))
    }


def _environment(home: Path) -> dict[str, str]:
    """The user's environment without test settings: no W&B key or mode, no full Hydra
    errors, an empty home (no ``~/.netrc``, no W&B settings)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("WANDB_") and key != "HYDRA_FULL_ERROR"
    }
    env.update(HOME=str(home), WANDB_CONFIG_DIR=str(home / ".config" / "wandb"))
    env.update(XDG_CONFIG_HOME=str(home / ".config"), XDG_CACHE_HOME=str(home / ".cache"))
    return env


def _params() -> list[object]:
    params = []
    for name, case in CASES.items():
        marks = []
        if case.skip:
            marks.append(pytest.mark.skip(reason=case.skip))
        if case.pending:
            marks.append(pytest.mark.xfail(reason=f"pending {case.pending}", strict=False))
        params.append(pytest.param(case, id=name, marks=marks))
    return params


@pytest.mark.parametrize("case", _params())
def test_bad_input_is_one_line_exit_2_and_writes_nothing(case: Case, tmp_path: Path) -> None:
    cwd, home = tmp_path / "cwd", tmp_path / "home"
    cwd.mkdir()
    home.mkdir()
    if case.setup is not None:
        case.setup(cwd)
    before = _snapshot(cwd)
    argv = [_script(case.argv[0])]
    argv += [arg.replace(RUN_DIR, str(cwd / "run")) for arg in case.argv[1:]]
    try:
        result = subprocess.run(
            argv,
            cwd=cwd,
            env={**_environment(home), **case.env},
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{case.argv} was not refused within {TIMEOUT_S} s (it started a run?)")
    output = result.stderr + result.stdout
    lines = [line for line in output.splitlines() if line.strip()]

    assert result.returncode == EXIT_BAD_INPUT, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    assert len(lines) == 1 and "error:" in lines[0], output[-3000:]
    for name in case.names:
        assert name in lines[0], f"{name!r} not in: {lines[0]}"
    assert _snapshot(cwd) == before, "the refused command wrote or changed files"
