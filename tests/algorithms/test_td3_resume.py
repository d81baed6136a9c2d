"""Exact resume of TD3: N iterations straight equal N/2, stop, resume for N/2 — the
policy, the target networks, both optimisers, the saved replay buffer and the
per-env noise scales all continue bit for bit."""

from __future__ import annotations

from typing import Any

import pytest
import torch

from embodichain_rl import Trainer
from embodichain_rl.trainer.checkpoint import load_checkpoint

TINY_TD3 = [
    "env=push_cube",  # saves its env state, so a resumed run can be bit-identical
    "env.num_envs=4",
    "env.max_episode_steps=5",  # episodes end in both halves: noise scales get redrawn
    "algorithm=td3",
    "policy=td3_actor_critic",
    "policy.actor.hidden_sizes=[16,16]",
    "policy.critic.hidden_sizes=[16,16]",
    "algorithm.batch_size=32",
    "algorithm.learning_starts=32",  # the warm-up ends inside the first half
    "algorithm.buffer_size=1000",
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
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    root = tmp_path_factory.mktemp("td3_resume")
    for name, iterations in (("one_go", 6), ("first", 3)):
        run_dir = f"hydra.run.dir={root / name}"
        _learn(Trainer.from_overrides([*TINY_TD3, f"runtime.iterations={iterations}", run_dir]))
    overrides = ["runtime.iterations=6"]
    _learn(Trainer.load(root / "first", overrides=overrides, run_dir=root / "resumed"))
    return {
        name: load_checkpoint(root / name / "checkpoints" / "last.pt")
        for name in ("one_go", "first", "resumed")
    }


def test_resumed_td3_is_bit_identical_to_one_go(runs: dict[str, dict[str, Any]]) -> None:
    one_go, resumed = runs["one_go"], runs["resumed"]
    assert (resumed["iteration"], resumed["global_step"]) == (6, 6 * 4 * 4)
    _assert_equal(one_go["policy"], resumed["policy"], "policy")
    _assert_equal(one_go["algorithm"], resumed["algorithm"], "algorithm")


def test_the_halves_really_differ(runs: dict[str, dict[str, Any]]) -> None:
    """Guard: the second half trained (else equality above would be vacuous)."""
    first, resumed = runs["first"], runs["resumed"]
    changed = [
        key
        for key, value in first["policy"].items()
        if value.is_floating_point() and not torch.equal(value, resumed["policy"][key])
    ]
    assert any(key.startswith("actor.") for key in changed)
    assert any(key.startswith("critic.") for key in changed)
