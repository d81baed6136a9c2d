"""The run-level sections: defaults written once, ranges checked, moved keys accepted."""

from __future__ import annotations

import dataclasses

import pytest
from omegaconf import OmegaConf

from embodichain_rl.config import ConfigError, validate_config
from embodichain_rl.config.aliases import MOVED_RUNTIME_KEYS, rewrite_moved_keys
from embodichain_rl.config.compose import compose_config
from embodichain_rl.config.runtime import RuntimeConfig
from embodichain_rl.config.sections import CheckpointConfig, EvalConfig, LoggingConfig

SECTIONS = {
    "runtime": RuntimeConfig,
    "eval": EvalConfig,
    "checkpoint": CheckpointConfig,
    "logging": LoggingConfig,
}


def test_train_yaml_takes_every_run_default_from_the_schemas() -> None:
    cfg = compose_config()
    for name, schema in SECTIONS.items():
        assert OmegaConf.to_container(cfg[name]) == dataclasses.asdict(schema()), name


def test_moved_runtime_keys_still_work_on_the_command_line() -> None:
    cfg = compose_config(["runtime.eval_envs=3", "runtime.save_freq=7", "runtime.eval_freq=2"])
    assert (cfg.eval.num_envs, cfg.checkpoint.save_freq, cfg.eval.freq) == (3, 7, 2)
    assert rewrite_moved_keys(["~runtime.log_dense", "runtime.seed=1"]) == [
        "~logging.log_dense",
        "runtime.seed=1",
    ]
    assert set(MOVED_RUNTIME_KEYS.values()) <= {
        f"{section}.{field.name}"
        for section, schema in SECTIONS.items()
        for field in dataclasses.fields(schema)
    }


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ("runtime.iterations=0", "iterations must be >= 1, got 0"),
        ("runtime.rollout_steps=0", "rollout_steps must be >= 1, got 0"),
        ("runtime.seed=-1", "seed must be >= 0, got -1"),
        ("eval.num_envs=0", "num_envs must be >= 1, got 0"),
        ("eval.freq=-1", "freq must be >= 0, got -1"),
        ("checkpoint.save_freq=-2", "save_freq must be >= 0, got -2"),
        ("eval.best_metric=reward", "best_metric must be one of"),
        ("logging.wandb_mode=cloud", "wandb_mode must be one of"),
        ("env.num_envs=-5", "num_envs must be >= 1, got -5"),
    ],
)
def test_out_of_range_values_are_one_named_error(override: str, named: str) -> None:
    with pytest.raises(ConfigError) as error:
        validate_config(compose_config([override]))
    assert named in str(error.value)
    assert override.split("=")[0].split(".")[0] in str(error.value)
