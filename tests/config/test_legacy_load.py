"""Legacy JSON configs compose to what the equivalent Hydra overrides give."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from omegaconf import DictConfig

from embodichain_rl.config import TrainConfig, load_json_config, validate_config
from embodichain_rl.config.legacy import json_overrides, translate_json
from embodichain_rl.envs import EmbodiedEnv, PushCubeEnv, register_env
from tests.config.legacy_helpers import REPO_SHAPE, TUTORIAL, tutorial_data, write_json

TUTORIAL_AS_OVERRIDES = [
    "env=push_cube",
    "policy=actor_critic",
    "algorithm=ppo",
    "runtime.exp_name=push_cube_ppo",
    "runtime.seed=42",
    "runtime.cuda=true",
    "runtime.headless=true",
    "runtime.iterations=1000",
    "runtime.rollout_steps=1024",
    "eval.freq=2",
    "checkpoint.save_freq=200",
    "logging.use_wandb=false",
    "logging.wandb_project_name=embodichain-push_cube",
    "env.num_envs=4",
    "env.obs_mode=state",
    "env.max_episode_steps=100",
    "env.action_scale=0.1",
    "env.success_threshold=0.1",
    "policy.actor.hidden_sizes=[256,256]",
    "policy.actor.activation=relu",
    "policy.critic.hidden_sizes=[256,256]",
    "policy.critic.activation=relu",
    "algorithm.learning_rate=1e-4",
    "algorithm.n_epochs=10",
    "algorithm.batch_size=64",
    "algorithm.num_minibatches=null",
    "algorithm.gamma=0.99",
    "algorithm.gae_lambda=0.95",
    "algorithm.clip_coef=0.2",
    "algorithm.ent_coef=0.01",
    "algorithm.vf_coef=0.5",
    "algorithm.max_grad_norm=0.5",
]
"""The tutorial file written by hand as Hydra overrides (independent of the translator)."""


def test_tutorial_equals_compose_of_hand_written_overrides(compose_train) -> None:
    expected = compose_train(*TUTORIAL_AS_OVERRIDES)
    assert load_json_config(TUTORIAL) == expected


def test_load_equals_compose_of_its_overrides_with_user_overrides_last(compose_train) -> None:
    user = ["runtime.seed=7", "env.num_envs=2", "algorithm.gamma=0.9"]
    cfg = load_json_config(REPO_SHAPE, user)
    assert cfg == compose_train(*json_overrides(REPO_SHAPE, user))
    assert (cfg.runtime.seed, cfg.env.num_envs, cfg.algorithm.gamma) == (7, 2, 0.9)


def test_tutorial_golden_values() -> None:
    cfg = load_json_config(TUTORIAL)
    assert cfg.runtime.exp_name == "push_cube_ppo"
    assert cfg.runtime.cuda is True and cfg.runtime.device == "auto"
    assert (cfg.runtime.iterations, cfg.runtime.rollout_steps) == (1000, 1024)
    assert cfg.env.env_id == "PushCubeRL"
    assert (cfg.env.num_envs, cfg.env.max_episode_steps) == (4, 100)
    assert list(cfg.policy.actor.hidden_sizes) == [256, 256]
    assert cfg.policy.critic.activation == "relu"
    assert cfg.algorithm.batch_size == 64
    assert cfg.algorithm.learning_rate == pytest.approx(1e-4)
    assert cfg.algorithm.ent_coef == pytest.approx(0.01)


def test_repository_shape_golden_values(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        cfg = load_json_config(REPO_SHAPE)
    env = cfg.env
    assert (env.num_envs, env.max_episode_steps, env.sim_substeps) == (128, 100, 4)
    assert (env.joint_limits, env.action_scale, env.success_threshold) == (0.5, 0.1, 0.1)
    assert (env.reaching_weight, env.place_weight, env.place_penalty_weight) == (0.1, 2.0, 0.5)
    assert (env.action_penalty_weight, env.success_bonus) == (0.01, 10.0)
    assert cfg.runtime.cuda is True and cfg.runtime.device == "auto"
    assert cfg.logging.wandb_project_name == "embodychain-push_cube"
    assert list(cfg.policy.actor.hidden_sizes) == [256, 256]
    assert cfg.algorithm.batch_size == 8192

    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    for ignored in (
        "trainer.events",
        "max_episodes",
        "robot",
        "sensor",
        "light",
        "background",
        "rigid_object",
        "rigid_object_group",
        "articulation",
        "env.events",
        "env.observations",
    ):
        assert ignored in message


def test_both_shapes_mean_the_same_where_the_files_agree() -> None:
    aligned = [
        "env.num_envs=4",
        "algorithm.batch_size=64",
        "logging.wandb_project_name=embodichain-push_cube",
    ]
    assert load_json_config(REPO_SHAPE, aligned) == load_json_config(TUTORIAL)


def test_composed_config_validates_to_typed_objects() -> None:
    typed = validate_config(load_json_config(REPO_SHAPE))
    assert isinstance(typed, TrainConfig)
    assert typed.env.reaching_weight == 0.1


def test_gymnasium_id_selects_the_gym_option(tmp_path: Path) -> None:
    data = tutorial_data()
    data["env"] = {"id": "CartPole-v1", "cfg": {"num_envs": 3, "episode_length": 50}}
    cfg = load_json_config(write_json(tmp_path / "cartpole.json", data))
    assert cfg.env._target_ == "embodichain_rl.envs.gym_adapter.GymnasiumEnv"
    assert (cfg.env.gym_id, cfg.env.num_envs, cfg.env.max_episode_steps) == ("CartPole-v1", 3, 50)


def test_sim_steps_without_a_field_is_ignored_with_the_scene(tmp_path: Path) -> None:
    write_json(
        tmp_path / "gym.json",
        {"id": "Pendulum-v1", "env": {"num_envs": 2, "sim_steps_per_control": 4}},
    )
    train = write_json(tmp_path / "train.json", {"trainer": {"gym_config": "gym.json"}})
    translation = translate_json(train)
    assert translation.choices == {"env": "gym"}
    assert translation.ignored == ["gym.json: env.sim_steps_per_control"]


@pytest.mark.parametrize(
    ("device", "cuda", "expected_device"),
    [
        ("cuda:0", True, "auto"),
        ("cuda", True, "auto"),
        ("cpu", True, "cpu"),
        ("cuda:1", True, "cuda:1"),
    ],
)
def test_trainer_device_strings(
    tmp_path: Path, device: str, cuda: bool, expected_device: str
) -> None:
    train = write_json(tmp_path / "train.json", {"trainer": {"device": device}})
    cfg: DictConfig = load_json_config(train)
    assert (cfg.runtime.cuda, cfg.runtime.device) == (cuda, expected_device)


class _PushCubeVariant(PushCubeEnv):
    """A user's PushCube variant: shares PushCube's typed parameters."""


class _OtherEnv(EmbodiedEnv):  # never built here; only its base class matters
    """A user's env unrelated to PushCube."""


@pytest.mark.parametrize(
    ("env_class", "option", "field"),
    [(_PushCubeVariant, "push_cube", "env.env_id"), (_OtherEnv, "gym", "env.gym_id")],
)
def test_registered_ids_choose_by_base_class(
    tmp_path: Path, env_class: type[EmbodiedEnv], option: str, field: str
) -> None:
    env_id = f"LegacyTest{env_class.__name__}-v0"
    register_env(env_id, override=True)(env_class)
    train = write_json(tmp_path / "train.json", {"env": {"id": env_id}})
    translation = translate_json(train)
    assert translation.choices == {"env": option}
    assert translation.values == {field: env_id}


def test_a_mujoco_env_id_selects_the_mujoco_option(tmp_path: Path) -> None:
    data = tutorial_data()
    data["env"]["id"] = "PushCubeMuJoCo"
    cfg = load_json_config(write_json(tmp_path / "mujoco.json", data))
    assert cfg.env.env_id == "PushCubeMuJoCo" and cfg.env.backend == "mujoco"
    assert cfg.env.num_envs == 4 and cfg.env.sim_substeps == 10  # the MuJoCo schema's default
    assert type(validate_config(cfg).env).__name__ == "PushCubeMuJoCoEnvConfig"
