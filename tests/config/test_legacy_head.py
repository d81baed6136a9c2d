"""EmbodiChain's newest RL configs (``../shared/legacy/embodichain_head``: JSON and YAML, gym
files addressed from EmbodiChain's repository root, ``learning_env``, optimizer/schedule
blocks, GRPO/APG): each loads with the values the file means and trains from any directory."""

from __future__ import annotations

import json
import logging
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from omegaconf import OmegaConf

from embodichain_rl.cli import convert
from embodichain_rl.config import LegacyConfigError, load_json_config
from embodichain_rl.config.legacy import translate_json
from embodichain_rl.config.validation import validate_config
from tests.config.legacy_helpers import LEGACY

HEAD = LEGACY / "embodichain_head"
REPO_ROOT = Path(__file__).resolve().parents[2]

PPO_PUSH = {
    "env._target_": "embodichain_rl.envs.make_env",
    "env.env_id": "PushCubeRL",
    "policy._target_": "embodichain_rl.policies.ActorCritic",
    "algorithm._target_": "embodichain_rl.algorithms.PPO",
    "runtime.cuda": True,  # device cuda:0 -> the GPU when there is one, else CPU
    "env.num_envs": 64,
    "runtime.rollout_steps": 1024,  # buffer_size
    "env.max_episode_steps": 100,
    "env.success_threshold": 0.1,
    "eval.freq": 1,  # eval_freq 100 env steps < 64 x 1024 steps per iteration
    "eval.num_envs": 3,  # num_eval_episodes
    "checkpoint.save_freq": 1,
    "algorithm.optimizer.learning_rate": 1e-4,
    "algorithm.lr_schedule": "constant",  # no lr_scheduler block: EmbodiChain's constant
    "algorithm.batch_size": 8192,
    "algorithm.num_minibatches": None,
    "policy.actor.hidden_sizes": [256, 256],
}
CART_POLE_PPO = {
    "env.env_id": "CartPoleRL",
    "env.max_episode_steps": 500,
    "env.velocity_penalty_weight": 0.005,
    "env.action_scale": 0.1,
    "env.num_envs": 64,
    "runtime.rollout_steps": 1024,
    "runtime.iterations": 1000,
    "eval.freq": 0,  # no enable_eval: EmbodiChain never evaluates; here only at the end
    "checkpoint.save_freq": 1,
    "algorithm._target_": "embodichain_rl.algorithms.PPO",
    "algorithm.optimizer.learning_rate": 1e-4,
    "policy.critic.activation": "relu",
    "logging.wandb_project_name": "embodichain-cart_pole",
}
CART_POLE_GRPO = {
    "env.env_id": "CartPoleRL",
    "env.max_episode_steps": 500,
    "policy._target_": "embodichain_rl.policies.ActorOnly",
    "algorithm._target_": "embodichain_rl.algorithms.GRPO",
    "algorithm.optimizer.learning_rate": 1e-4,
    "algorithm.kl_coef": 0.0,
    "algorithm.group_size": 4,
    "algorithm.eps": 1e-8,
    "algorithm.truncate_at_first_done": True,
    "eval.freq": 1,  # enable_eval true, eval_freq 200 env steps
    "logging.use_wandb": True,
}
GOLDEN: dict[str, dict[str, Any]] = {
    "push_cube/train_config.json": PPO_PUSH,
    "push_cube/train_config_grpo.json": {
        "env.env_id": "PushCubeRL",
        "policy._target_": "embodichain_rl.policies.ActorOnly",
        "algorithm._target_": "embodichain_rl.algorithms.GRPO",
        "algorithm.reset_every_rollout": True,
        "algorithm.n_epochs": 10,
        "eval.freq": 1,
        "logging.use_wandb": False,
    },
    "basic/cart_pole/train_config.json": CART_POLE_PPO,
    "basic/cart_pole/train_config.yaml": CART_POLE_PPO,
    "basic/cart_pole/train_config_grpo.json": CART_POLE_GRPO,
    "basic/cart_pole/train_config_grpo.yaml": CART_POLE_GRPO,
    "basic/point_mass/train_ppo.yaml": {
        "env.env_id": "PointMassRL",
        "env.max_episode_steps": 100,
        "env.success_threshold": 0.03,
        "env.success_bonus": 5.0,
        "algorithm.optimizer.learning_rate": 2.5e-4,
        "algorithm.lr_schedule": "linear",
        "algorithm.lr_scheduler.end_factor": 0.4,
        "algorithm.batch_size": 4096,
        "runtime.rollout_steps": 256,
        "eval.freq": 2,  # 32,768 env steps / (64 envs x 256 steps)
        "checkpoint.save_freq": 16,  # 262,144 / 16,384
        "eval.num_envs": 128,
        "eval.seed_offset": 10_000,  # eval_seed 10042 - seed 42
        "eval.best_metric": "success_rate",
        "eval.best_mode": "max",
        "policy.init_log_std": -1.0,
        "policy.actor.last_activation": "tanh",
        "policy.actor.orthogonal_init": [1.414, 1.414, 0.01],
        "policy.critic.last_activation": None,
        "policy.critic.orthogonal_init": [1.414, 1.414, 1.0],
    },
    "basic/point_mass/train_apg.yaml": {
        "env.env_id": "PointMassRL",
        "policy._target_": "embodichain_rl.policies.ActorOnly",
        "algorithm._target_": "embodichain_rl.algorithms.APG",
        "algorithm.optimizer.learning_rate": 2.5e-4,
        "algorithm.horizon": 100,  # segment_length
        "runtime.rollout_steps": 100,  # update_horizon
        "runtime.iterations": 500,
        "checkpoint.save_freq": 50,  # save_frequency_updates
        "eval.freq": 5,  # 32,000 env steps / (64 envs x 100 steps), rounded up
        "policy.init_log_std": -2.0,
        "policy.actor.orthogonal_init": [1.414, 1.414, 0.01],
    },
}


def _head_files() -> list[str]:
    return sorted(str(p.relative_to(HEAD)) for p in HEAD.rglob("train*"))


def test_every_shipped_file_has_golden_values() -> None:
    assert _head_files() == sorted(GOLDEN)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_head_file_loads_with_its_values(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # gym files are found from the train file, not the cwd
    cfg = load_json_config(HEAD / name)
    for key, expected in GOLDEN[name].items():
        value = OmegaConf.select(cfg, key, default="<missing>")
        value = OmegaConf.to_object(value) if OmegaConf.is_config(value) else value
        assert value == expected, f"{name}: {key}"
    validate_config(cfg)  # every value in range for the typed schemas


def test_json_and_yaml_twins_compose_alike() -> None:
    for stem in ("train_config", "train_config_grpo"):
        folder = HEAD / "basic" / "cart_pole"
        assert load_json_config(folder / f"{stem}.json") == load_json_config(
            folder / f"{stem}.yaml"
        )


@pytest.mark.parametrize(
    "name", ["basic/point_mass/train_ppo.yaml", "push_cube/train_config_grpo.json"]
)
def test_converted_preset_composes_the_same_config(
    compose_train, tmp_path: Path, name: str
) -> None:
    preset = tmp_path / "experiment" / "head.yaml"
    convert.main([str(HEAD / name), "-o", str(preset)])
    assert "override /algorithm/lr_scheduler:" in preset.read_text(encoding="utf-8")
    composed = compose_train(f"hydra.searchpath=[file://{tmp_path}]", "+experiment=head")
    assert composed == load_json_config(HEAD / name)


def test_unused_parts_are_listed_in_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        translate_json(HEAD / "push_cube" / "train_config.json")
    (message,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    for part in ("trainer.gpu_id", "trainer.renderer", "trainer.num_eval_envs", "trainer.events"):
        assert f"train_config.json: {part}" in message
    for term in ("reaching_reward", "goal_distance_reward", "action_penalty"):
        assert f"gym_config.json: env.rewards.{term}" in message
    assert "success_bonus" not in message  # success_reward's weight is env.success_bonus


def _copy_cart_pole(tmp_path: Path, gym_edit: dict[str, Any]) -> Path:
    """CartPole's YAML twins in ``tmp/configs/basic/cart_pole``, the gym file edited."""
    folder = tmp_path / "configs" / "basic" / "cart_pole"
    folder.mkdir(parents=True)
    gym = yaml.safe_load((HEAD / "basic/cart_pole/gym_config.yaml").read_text(encoding="utf-8"))
    gym["env"].update(gym_edit)
    (folder / "gym_config.yaml").write_text(yaml.safe_dump(gym), encoding="utf-8")
    train = folder / "train_config.yaml"
    train.write_text((HEAD / "basic/cart_pole/train_config.yaml").read_text(encoding="utf-8"))
    return train


def test_functor_terms_set_the_env_fields_they_mean(tmp_path: Path) -> None:
    terms = {
        "rewards": {"velocity_penalty": {"func": "joint_velocity_penalty", "weight": 0.02}},
        "actions": {"delta_qpos": {"func": "DeltaQposTerm", "params": {"scale": 0.3}}},
    }
    cfg = load_json_config(_copy_cart_pole(tmp_path, terms))
    assert (cfg.env.velocity_penalty_weight, cfg.env.action_scale) == (0.02, 0.3)


def _problems(path: Path) -> list[str]:
    with pytest.raises(LegacyConfigError) as info:
        translate_json(path)
    return info.value.problems


def test_missing_gym_file_names_every_path_tried(tmp_path: Path) -> None:
    train = _copy_cart_pole(tmp_path, {})
    (train.parent / "gym_config.yaml").unlink()
    (problem,) = _problems(train)
    written = "embodichain_tasks/configs/agents/rl/basic/cart_pole/gym_config.yaml"
    assert problem.startswith(f"{train}: trainer.gym_config: gym file not found")
    tried = problem.split("tried: ")[1].split(", ")
    base = train.parent.resolve()
    assert tried[:3] == [
        str(base / written),
        str(base / "gym_config.yaml"),
        str(base.parent / written),
    ]
    assert tried[-1] == str(Path(base.anchor) / written)
    assert len(tried) == len(base.parents) + 2


def test_gym_file_under_a_repository_root_above_the_train_file(tmp_path: Path) -> None:
    train = _copy_cart_pole(tmp_path, {})
    gym = train.parent / "gym_config.yaml"
    root_copy = tmp_path / "embodichain_tasks/configs/agents/rl/basic/cart_pole/gym_config.yaml"
    root_copy.parent.mkdir(parents=True)
    gym.rename(root_copy)  # only the repository-root reading finds it now
    assert load_json_config(train).env.max_episode_steps == 500


def test_yaml_duplicate_key_alias_and_float_spelling(tmp_path: Path) -> None:
    path = tmp_path / "train.yaml"
    path.write_text("trainer:\n  seed: 1\n  iterations: 3\n  seed: 2\n", encoding="utf-8")
    assert _problems(path) == [
        f"{path}: trainer.seed: duplicate key (only the last value would count); give it once"
    ]
    path.write_text("trainer:\n  seed: &s 1\n  iterations: *s\n", encoding="utf-8")
    (problem,) = _problems(path)
    assert problem.startswith(
        f"{path}: <top level>: invalid YAML at line 3 column 15: YAML aliases"
    )
    path.write_text("algorithm:\n  name: ppo\n  cfg:\n    learning_rate: 3e-4\n", encoding="utf-8")
    assert translate_json(path).values["algorithm.learning_rate"] == 3e-4  # a float, as in JSON


def test_yaml_keeps_the_size_and_nesting_guards(tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("trainer:\n  imports: " + "[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (problem,) = _problems(deep)
    assert problem.startswith(f"{deep}: <top level>: objects and arrays nested deeper than 64")
    huge = tmp_path / "huge.yml"
    with huge.open("wb") as handle:
        handle.truncate(2**30)  # sparse: 1 GiB that takes no disk space
    (problem,) = _problems(huge)
    assert "file too large (1024.0 MiB)" in problem


def test_learning_env_by_name_and_keys_other_trainers_read(tmp_path: Path) -> None:
    trainer = {"learning_env": "PointMassRL", "num_envs": 4, "segment_length": 10, "buffer_size": 6}
    path = tmp_path / "train.yaml"
    path.write_text(yaml.safe_dump({"trainer": trainer}), encoding="utf-8")
    translation = translate_json(path)
    assert translation.choices == {"env": "point_mass"}
    assert translation.values["env.num_envs"] == 4
    assert translation.values["runtime.rollout_steps"] == 6  # PPO (the default) reads buffer_size
    assert translation.ignored == ["train.yaml: trainer.segment_length"]  # only APG reads it
    trainer["gym_config"] = "gym_config.yaml"
    path.write_text(yaml.safe_dump({"trainer": trainer}), encoding="utf-8")
    assert _problems(path) == [
        f"{path}: trainer.learning_env: give either gym_config or learning_env, not both"
    ]


def _algorithm(tmp_path: Path, cfg: dict[str, Any], name: str = "ppo") -> Path:
    path = tmp_path / "train.yaml"
    path.write_text(yaml.safe_dump({"algorithm": {"name": name, "cfg": cfg}}), encoding="utf-8")
    return path


def test_schedule_blocks_map_onto_the_schedule_knobs(tmp_path: Path) -> None:
    cosine = {
        "optimizer": {"name": "adamw", "learning_rate": 2.5e-4, "kwargs": {"weight_decay": 0.01}},
        "lr_scheduler": {"name": "cosine", "kwargs": {"T_max": 300, "eta_min": 2.5e-5}},
    }
    cfg = load_json_config(_algorithm(tmp_path, cosine))
    algo = cfg.algorithm
    assert (algo.optimizer.name, algo.optimizer.weight_decay, algo.lr_schedule) == (
        "adamw",
        0.01,
        "cosine",
    )
    assert algo.total_updates == 300
    assert math.isclose(algo.lr_scheduler.min_factor, 0.1)  # eta_min / learning_rate
    step = {"lr_scheduler": {"name": "step", "kwargs": {"step_size": 7, "gamma": 0.5}}}
    algo = load_json_config(_algorithm(tmp_path, step), ["algorithm/optimizer=sgd"]).algorithm
    assert (algo.lr_schedule, algo.lr_scheduler.step_size, algo.lr_scheduler.gamma) == (
        "step",
        7,
        0.5,
    )
    assert algo.optimizer.name == "sgd"  # no optimizer block: the command line's choice stands


def test_bad_blocks_and_eval_keys_are_named(tmp_path: Path) -> None:
    bad = {
        "optimizer": {"name": "adagrad", "lr": 0.1},
        "lr_scheduler": {"name": "linear", "kwargs": {"start_factor": 0.5, "last_epoch": 3}},
    }
    problems = _problems(_algorithm(tmp_path, bad))
    assert any("cfg.optimizer.name: unknown optimizer 'adagrad'" in p for p in problems)
    assert any("cfg.optimizer.lr: unknown key" in p for p in problems)
    assert any("kwargs.start_factor: must be 1" in p for p in problems)
    assert any(
        "kwargs.last_epoch: unknown key; valid keys: start_factor, end_factor, total_iters" in p
        for p in problems
    )
    assert len(problems) == 4
    path = tmp_path / "eval.yaml"
    trainer = {"seed": 50, "num_envs": 8, "eval_seed": 7, "best_eval_metric": "eval/avg_return"}
    path.write_text(yaml.safe_dump({"trainer": trainer}), encoding="utf-8")
    problems = _problems(path)
    assert problems[0].endswith("trainer.eval_seed: must be >= trainer.seed (50), got 7")
    assert "unknown metric 'eval/avg_return'; valid: eval/success_rate" in problems[1]


SHRINK = [
    "env.num_envs=8",
    "runtime.rollout_steps=8",
    "runtime.iterations=2",
    "runtime.torch_threads=1",
    "eval.num_envs=2",
    "logging.use_wandb=false",
    "logging.progress_bar=false",
]
"""Two iterations of 8 envs x 8 steps (8 envs: whole GRPO groups of 4)."""

MINIBATCHES = ["algorithm.n_epochs=1", "algorithm.batch_size=32"]
"""PPO and GRPO: one epoch of two 32-sample minibatches."""


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_head_file_trains_two_iterations_from_any_directory(name: str, tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    entry = ["-m", "embodichain_rl.cli.train", "--json"]
    if name.endswith(".yaml"):  # EmbodiChain's own spelling: --config
        entry = ["-m", "embodichain_rl.train", "--config"]
    extra = [] if "apg" in name else MINIBATCHES
    result = subprocess.run(
        [sys.executable, *entry, str(HEAD / name), *SHRINK, *extra, f"hydra.run.dir={run_dir}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["iterations"] == 2
    config = yaml.safe_load((run_dir / ".hydra" / "config.yaml").read_text(encoding="utf-8"))
    assert config["env"]["env_id"] == GOLDEN[name]["env.env_id"]
