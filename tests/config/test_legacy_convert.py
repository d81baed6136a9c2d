"""`embodichain-convert` writes a preset that `+experiment=NAME` composes to the same config."""

from __future__ import annotations

from pathlib import Path

import pytest

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
