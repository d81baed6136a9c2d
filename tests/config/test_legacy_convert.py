"""`embodichain-convert` writes a preset that `+experiment=NAME` composes to the same config."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from omegaconf import OmegaConf

from embodichain_rl.cli import convert
from embodichain_rl.config import load_json_config
from tests.config.legacy_helpers import REPO_SHAPE, TUTORIAL, tutorial_data, write_json


def _compose_experiment(compose_train, search_dir: Path, name: str, *extra: str):
    return compose_train(f"hydra.searchpath=[file://{search_dir}]", f"+experiment={name}", *extra)


@pytest.mark.parametrize("source", [TUTORIAL, REPO_SHAPE], ids=["tutorial", "repository"])
def test_round_trip(compose_train, tmp_path: Path, source: Path) -> None:
    preset = tmp_path / "experiment" / "legacy_run.yaml"
    convert.main([str(source), "-o", str(preset)])
    text = preset.read_text(encoding="utf-8")
    assert text.startswith("# @package _global_\n")
    assert "override /env: push_cube" in text
    composed = _compose_experiment(compose_train, tmp_path, "legacy_run")
    assert composed == load_json_config(source)


def test_round_trip_of_a_gym_env_and_user_algorithm(compose_train, tmp_path: Path) -> None:
    data = tutorial_data()
    data["env"] = {"id": "Pendulum-v1", "cfg": {"num_envs": 2, "env_kwargs": {"g": 9.0}}}
    data["runtime"]["imports"] = ["tests.config.legacy_user_algo"]
    data["algorithm"]["name"] = "counting_ppo"
    source = write_json(tmp_path / "pendulum.json", data)
    convert.main([str(source), "-o", str(tmp_path / "experiment" / "pendulum.yaml")])
    composed = _compose_experiment(compose_train, tmp_path, "pendulum", "runtime.seed=3")
    assert composed == load_json_config(source, ["runtime.seed=3"])
    assert composed.env.env_kwargs == {"g": 9.0}


def test_existing_output_is_kept_without_force(tmp_path: Path) -> None:
    preset = tmp_path / "keep.yaml"
    preset.write_text("mine\n", encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        convert.main([str(TUTORIAL), "-o", str(preset)])
    assert info.value.code == 2
    assert preset.read_text(encoding="utf-8") == "mine\n"
    convert.main([str(TUTORIAL), "-o", str(preset), "--force"])
    assert preset.read_text(encoding="utf-8").startswith("# @package _global_")


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A console script as the user types it (``python -m`` where it is not on PATH)."""
    script = shutil.which(args[0])
    module = {"embodichain-convert": "convert", "embodichain-train": "train"}[args[0]]
    command = [script] if script else [sys.executable, "-m", f"embodichain_rl.cli.{module}"]
    return subprocess.run(
        [*command, *args[1:]],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "WANDB_MODE": "offline"},
    )


def _printed_command(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 0, result.stderr
    *_, told, command = result.stderr.strip().splitlines()
    assert told.endswith("train it with:")
    return shlex.split(command.strip())


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("conf/experiment/my_run.yaml", ["embodichain-train", "+experiment=my_run"]),
        ("elsewhere/presets/my_run.yaml", None),
    ],
    ids=["cwd_conf", "other_folder"],
)
def test_printed_command_trains_the_preset_from_an_empty_directory(
    tmp_path: Path, output: str, expected: list[str] | None
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    command = _printed_command(_run("embodichain-convert", str(TUTORIAL), "-o", output, cwd=work))
    if expected is not None:
        assert command == expected
    else:
        assert command == [
            "embodichain-train",
            f"hydra.searchpath=[file://{work / 'elsewhere'}]",
            "+presets=my_run",
        ]
    composed = _run(*command, "--cfg", "job", cwd=work)
    assert composed.returncode == 0, composed.stderr
    assert yaml.safe_load(composed.stdout) == OmegaConf.to_container(load_json_config(TUTORIAL))


def test_no_conf_folder_changes_nothing(tmp_path: Path) -> None:
    result = _run("embodichain-train", "--info", "searchpath", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "embodichain_rl (./conf)" not in result.stdout
    assert "warn" not in (result.stdout + result.stderr).lower()
    (tmp_path / "conf").mkdir()
    result = _run("embodichain-train", "--info", "searchpath", cwd=tmp_path)
    assert f"file://{tmp_path / 'conf'}" in result.stdout
