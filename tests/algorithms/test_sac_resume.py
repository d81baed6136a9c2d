"""Exact resume of SAC with the replay buffer: N iterations straight equal N/2, stop,
resume for N/2 (policy, target critics, entropy coefficient, optimisers, buffer); without
the saved buffer the resumed run says so in one line and starts empty. The resumed policy
also loads without an env (``load_policy``) with the env's action bounds."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import torch

from embodichain_rl import Trainer
from embodichain_rl.trainer.checkpoint import load_checkpoint
from embodichain_rl.trainer.inference import load_policy

TINY_SAC = [
    "env=push_cube",  # saves its env state, so a resumed run can be bit-identical
    "env.num_envs=4",
    "env.max_episode_steps=5",
    "algorithm=sac",
    "policy=sac_actor_critic",
    "policy.actor.hidden_sizes=[16,16]",
    "policy.critic.hidden_sizes=[16,16]",
    "algorithm.batch_size=16",
    "algorithm.learning_starts=32",  # the warm-up ends inside the first half
    "algorithm.buffer_size=1000",
    "algorithm.n_step=2",
    "algorithm.save_replay_buffer=true",
    "runtime.rollout_steps=4",
    "runtime.device=cpu",
    "runtime.torch_threads=1",
    "eval.freq=3",
    "eval.num_envs=2",
    "checkpoint.save_freq=0",
    "logging.progress_bar=false",
]
"""4 envs x 4 steps per iteration, tiny networks, random warm-up for the first two."""


def _learn(trainer: Trainer) -> None:
    try:
        trainer.learn()
    finally:
        trainer.close()


def _assert_equal(a: Any, b: Any, where: str) -> None:
    if isinstance(a, torch.Tensor):
        assert isinstance(b, torch.Tensor) and torch.equal(a, b), where
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            _assert_equal(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), where
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            _assert_equal(x, y, f"{where}[{index}]")
    else:
        assert a == b, where


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("sac_resume")
    for name, iterations in (("one_go", 6), ("first", 3)):
        run_dir = f"hydra.run.dir={root / name}"
        _learn(Trainer.from_overrides([*TINY_SAC, f"runtime.iterations={iterations}", run_dir]))
    _learn(
        Trainer.load(root / "first", overrides=["runtime.iterations=6"], run_dir=root / "resumed")
    )
    out: dict[str, Any] = {
        name: load_checkpoint(root / name / "checkpoints" / "last.pt")
        for name in ("one_go", "first", "resumed")
    }
    out["root"] = root
    return out


def test_resumed_sac_is_bit_identical_to_one_go(runs: dict[str, Any]) -> None:
    one_go, resumed = runs["one_go"], runs["resumed"]
    assert (resumed["iteration"], resumed["global_step"]) == (6, 6 * 4 * 4)
    assert resumed["algorithm"]["replay_buffer"]["filled_rows"] == 6 * 4
    _assert_equal(one_go["policy"], resumed["policy"], "policy")
    _assert_equal(one_go["algorithm"], resumed["algorithm"], "algorithm")


def test_the_halves_really_differ(runs: dict[str, Any]) -> None:
    """Guard: the second half trained (else equality above would be vacuous)."""
    first, resumed = runs["first"], runs["resumed"]
    changed = [
        key
        for key, value in first["policy"].items()
        if value.is_floating_point() and not torch.equal(value, resumed["policy"][key])
    ]
    assert any(key.startswith("actor.") for key in changed)
    assert any(key.startswith("critic.") for key in changed)
    assert not torch.equal(
        first["algorithm"]["extra"]["log_alpha"], resumed["algorithm"]["extra"]["log_alpha"]
    )


def test_checkpoint_rebuilds_the_policy_with_its_bounds_without_an_env(
    runs: dict[str, Any],
) -> None:
    spec = runs["resumed"]["policy_spec"]
    assert spec["action_low"] == [-1.0] * spec["action_dim"]
    assert spec["action_high"] == [1.0] * spec["action_dim"]
    inference = load_policy(runs["root"] / "resumed")
    obs = torch.randn(3, spec["obs_dim"])
    action = inference(obs)
    assert action.shape == (3, spec["action_dim"]) and (action.abs() <= 1.0).all()


def test_resume_without_the_buffer_says_it_starts_empty(
    runs: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    root = runs["root"]
    with caplog.at_level(logging.WARNING):
        trainer = Trainer.load(
            root / "first",
            overrides=["runtime.iterations=4", "algorithm.save_replay_buffer=false"],
            run_dir=root / "no_buffer",
        )
    try:
        assert trainer.algorithm.buffer is not None and len(trainer.algorithm.buffer) == 0
        lines = [r.getMessage() for r in caplog.records if "EMPTY replay buffer" in r.getMessage()]
        assert len(lines) == 1 and "algorithm.save_replay_buffer" in lines[0]
        trainer.learn()  # refills before learning again; must not fail
    finally:
        trainer.close()
