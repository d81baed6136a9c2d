"""The eval/export apps' command-line checks and schemas, without running an app."""

from __future__ import annotations

import dataclasses

import pytest

from embodichain_rl.cli.app_args import UsageError, parse_device, prepare_argv
from embodichain_rl.cli.eval import choose_seed
from embodichain_rl.config.apps import (
    APP_SCHEMAS,
    EvalAppConfig,
    ExportAppConfig,
    ExportFormat,
    env_overrides,
    field_docs,
)
from embodichain_rl.config.errors import ConfigError


def test_env_keys_become_add_or_replace_overrides_and_the_rest_is_kept() -> None:
    argv = ["-m", "checkpoint=a.pt,b.pt", "env.control_mode=ee_delta_pos", "hydra.verbose=true"]
    assert prepare_argv(argv, EvalAppConfig) == [
        "-m",
        "checkpoint=a.pt,b.pt",
        "++env.control_mode=ee_delta_pos",
        "hydra.verbose=true",
    ]
    assert prepare_argv(["--cfg", "job", "seed=3"], EvalAppConfig) == ["--cfg", "job", "seed=3"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["num_episodez=3"], "did you mean 'num_episodes'"),
        (["+extra=1"], "unknown option 'extra'"),
        (["video=maybe"], "video=maybe"),
        (["video_episodes=0"], "video_episodes must be >= 1"),
        (["seed=1,2"], "add -m"),
        (["-m", "num_episodes=5,0"], "num_episodes=0"),
        (["device=tpu9"], "device"),
        (["out.dir=x"], "out takes a value"),
    ],
)
def test_bad_eval_arguments_are_named(argv: list[str], message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        prepare_argv([*argv, "checkpoint=x"], EvalAppConfig)


def test_export_format_is_checked_before_hydra() -> None:
    assert prepare_argv(["format=torchscript"], ExportAppConfig) == ["format=torchscript"]
    with pytest.raises(UsageError, match=r"expected one of \[onnx, torchscript\]"):
        prepare_argv(["format=tflite"], ExportAppConfig)
    assert ExportAppConfig(checkpoint="x", format="torchscript").format is ExportFormat.torchscript


def test_every_app_option_has_a_one_line_doc() -> None:
    for schema in APP_SCHEMAS.values():
        docs = field_docs(schema)
        for item in dataclasses.fields(schema):
            assert docs.get(item.name), f"{schema.__name__}.{item.name} has no docstring"


def test_env_overrides_are_checked_against_the_saved_env_and_flattened() -> None:
    saved = {"_target_": "x", "gym_id": "Pendulum-v1", "num_envs": 4, "env_kwargs": {}}
    assert env_overrides(saved, {"gym_id": "Acrobot-v1", "env_kwargs": {"g": 9.8}}) == {
        "env.gym_id": "Acrobot-v1",
        "env.env_kwargs.g": 9.8,
    }
    with pytest.raises(ConfigError, match=r"env\.gym_idd.*did you mean 'gym_id'"):
        env_overrides(saved, {"gym_idd": "x"})
    with pytest.raises(ConfigError, match=r"env\.num_envs cannot be overridden"):
        env_overrides(saved, {"num_envs": 3})


def test_held_out_seed_follows_the_run_seed_and_avoids_the_training_eval_seed() -> None:
    options = EvalAppConfig(checkpoint="x")
    assert choose_seed(options, {"runtime": {"seed": 3}}) == (20_003, "held-out", 10_003)
    moved = {"runtime": {"seed": 3}, "eval": {"seed_offset": 20_000}}
    assert choose_seed(options, moved) == (40_003, "held-out", 20_003)


def test_parse_device_names_the_flag_and_what_is_available(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert parse_device("auto", key="--device").type == "cpu"
    with pytest.raises(UsageError, match=r"^--device cuda:1: .*available: auto, cpu$"):
        parse_device("cuda:1", key="--device")
    with pytest.raises(UsageError, match=r"^device=gpu: "):
        parse_device("gpu", key="device")
