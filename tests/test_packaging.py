"""A non-editable install ships the Hydra configs: the CLI composes from any directory."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_wheel_ships_configs_and_the_cli_finds_them(tmp_path: Path) -> None:
    wheel_dir = tmp_path / "wheel"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheel_dir),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = wheel_dir.glob("embodichain_rl-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for config in (
        "train.yaml",
        "env/push_cube.yaml",
        "env/gym.yaml",
        "policy/actor_critic.yaml",
        "algorithm/ppo.yaml",
        "eval.yaml",
        "export.yaml",
    ):
        assert f"embodichain_rl/conf/{config}" in names
    assert "embodichain_rl/bench/reference_ppo.py" in names  # embodichain-bench train's baseline

    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [sys.executable, "-m", "embodichain_rl.cli.train", "--cfg", "job", "algorithm.gamma=0.97"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "gamma: 0.97" in result.stdout
    located = subprocess.run(
        [sys.executable, "-c", "import embodichain_rl; print(embodichain_rl.__file__)"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert located.stdout.strip().startswith(str(site))
    reference = subprocess.run(
        [sys.executable, "-c", "import embodichain_rl.bench.reference_ppo as r; print(r.__file__)"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert reference.stdout.strip().startswith(str(site))
    for app in ("eval", "export"):
        shown = subprocess.run(
            [sys.executable, "-m", f"embodichain_rl.cli.{app}", "--help"],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert shown.returncode == 0, shown.stderr
        assert "checkpoint" in shown.stdout and "[required]" in shown.stdout
