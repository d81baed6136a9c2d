"""Every problem of a legacy file in one error: file, JSON path, what is wrong, what is valid."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from embodichain_rl.config import ConfigError, LegacyConfigError, load_json_config
from tests.config.legacy_helpers import tutorial_data, write_json


def _error(path: Path) -> LegacyConfigError:
    with pytest.raises(LegacyConfigError) as info:
        load_json_config(path)
    return info.value


def _only_problem(path: Path) -> str:
    error = _error(path)
    assert len(error.problems) == 1, error.problems
    assert error.problems[0].startswith(f"{path}: ")
    return error.problems[0]


def test_unknown_key_suggests_the_close_one(tmp_path: Path) -> None:
    data = tutorial_data()
    data["algorithm"]["cfg"]["gama"] = data["algorithm"]["cfg"].pop("gamma")
    problem = _only_problem(write_json(tmp_path / "c.json", data))
    assert "algorithm.cfg.gama: unknown key (did you mean 'gamma'?)" in problem
    assert "valid keys:" in problem and "learning_rate" in problem


def test_unknown_top_level_section(tmp_path: Path) -> None:
    data = {**tutorial_data(), "algorithms": {}}
    problem = _only_problem(write_json(tmp_path / "c.json", data))
    assert "algorithms: unknown key (did you mean 'algorithm'?)" in problem


def test_wrong_type_names_expected_and_given(tmp_path: Path) -> None:
    data = tutorial_data()
    data["runtime"]["iterations"] = "10"
    problem = _only_problem(write_json(tmp_path / "c.json", data))
    assert "runtime.iterations: wrong type: expected integer, got string" in problem


def test_null_where_a_value_is_needed(tmp_path: Path) -> None:
    data = tutorial_data()
    data["runtime"]["seed"] = None
    problem = _only_problem(write_json(tmp_path / "c.json", data))
    assert "runtime.seed: null where a value is needed: expected integer" in problem


def test_null_is_fine_where_the_schema_allows_it(tmp_path: Path) -> None:
    data = tutorial_data()
    data["algorithm"]["cfg"]["max_grad_norm"] = None
    assert load_json_config(write_json(tmp_path / "c.json", data)).algorithm.max_grad_norm is None


def test_duplicate_key_is_reported(tmp_path: Path) -> None:
    text = json.dumps(tutorial_data(), indent=2).replace(
        '"gamma": 0.99,', '"gamma": 0.99,\n      "gamma": 0.9,'
    )
    path = tmp_path / "c.json"
    path.write_text(text, encoding="utf-8")
    problem = _only_problem(path)
    assert "algorithm.cfg.gamma: duplicate key" in problem


def test_unknown_names_list_the_registered_ones(tmp_path: Path) -> None:
    data = tutorial_data()
    data["env"]["id"] = "PushCubeR"
    data["algorithm"]["name"] = "ppoo"
    data["policy"]["name"] = "mlp_policy"
    problems = _error(write_json(tmp_path / "c.json", data)).problems
    assert len(problems) == 3
    env, policy, algo = problems
    assert "env.id: unknown env id 'PushCubeR'" in env and "PushCubeRL" in env
    assert "policy.name:" in policy and "actor_critic" in policy
    assert "algorithm.name: unknown algorithm 'ppoo'" in algo
    assert "registered: [" in algo and "'ppo'" in algo


def test_unknown_activation_lists_the_valid_ones(tmp_path: Path) -> None:
    data = tutorial_data()
    data["policy"]["actor"]["activation"] = "swish"
    problem = _only_problem(write_json(tmp_path / "c.json", data))
    assert "policy.actor.activation: unknown activation 'swish'" in problem and "relu" in problem


def test_missing_gym_file(tmp_path: Path) -> None:
    path = write_json(tmp_path / "train.json", {"trainer": {"gym_config": "nowhere.json"}})
    problem = _only_problem(path)
    assert "trainer.gym_config: gym file not found" in problem
    assert str(tmp_path / "nowhere.json") in problem


def test_problems_inside_the_gym_file_name_the_gym_file(tmp_path: Path) -> None:
    gym = write_json(
        tmp_path / "gym.json", {"id": "PushCubeRL", "env": {"extensions": {"episode_lenght": 100}}}
    )
    write_json(tmp_path / "train.json", {"trainer": {"gym_config": "gym.json"}})
    problems = _error(tmp_path / "train.json").problems
    assert problems == [problems[0]] and problems[0].startswith(
        f"{gym}: env.extensions.episode_lenght: unknown key (did you mean 'episode_length'?)"
    )


def test_unimportable_user_module(tmp_path: Path) -> None:
    data = tutorial_data()
    data["runtime"]["imports"] = ["no_such_module_for_legacy_tests"]
    problem = _only_problem(write_json(tmp_path / "c.json", data))
    assert "runtime.imports[0]: cannot import 'no_such_module_for_legacy_tests'" in problem


def test_invalid_json_syntax(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text('{"runtime": {"seed": 1,}}', encoding="utf-8")
    assert "invalid JSON at line 1" in _only_problem(path)


def test_three_mistakes_give_one_error_naming_all_three(tmp_path: Path) -> None:
    data = tutorial_data()
    data["runtime"]["iteration"] = 5
    data["env"]["cfg"]["num_envs"] = "4"
    data["algorithm"]["name"] = "ppo2"
    path = write_json(tmp_path / "c.json", data)
    error = _error(path)
    assert isinstance(error, ConfigError)
    message = str(error)
    assert "(3 problems)" in message
    assert "runtime.iteration: unknown key (did you mean 'iterations'?)" in message
    assert "env.cfg.num_envs: wrong type: expected integer, got string" in message
    assert "algorithm.name: unknown algorithm 'ppo2'" in message
    assert message.count(f"{path}: ") == 3
