"""APG through the trainer: it solves PointMass, resumes bit for bit, and a run that
pairs it with a non-differentiable env or an unusable policy fails in one line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

from embodichain_rl import Trainer
from embodichain_rl.algorithms import APG
from embodichain_rl.config.errors import ConfigError
from embodichain_rl.envs import PointMassEnv
from embodichain_rl.policies.actor_only import ActorOnly
from embodichain_rl.trainer.checkpoint import load_checkpoint

TINY_APG = [
    "+experiment=point_mass_apg",
    "env.num_envs=4",
    "env.max_episode_steps=6",  # episodes end inside both halves
    "policy.normalize_obs=true",  # its statistics must resume too
    "runtime.rollout_steps=4",
    "algorithm.horizon=2",
    "eval.freq=3",
    "eval.num_envs=2",
    "logging.progress_bar=false",
    "runtime.device=cpu",
]
"""4 envs x 4 steps (two segments) per iteration."""


def _learn(trainer: Trainer) -> Any:
    try:
        return trainer.learn()
    finally:
        trainer.close()


def test_apg_solves_point_mass(tmp_path: Path) -> None:
    trainer = Trainer.from_overrides(
        [
            "+experiment=point_mass_apg",
            "runtime.iterations=60",
            "eval.freq=60",
            "eval.num_envs=64",
            "logging.progress_bar=false",
            "runtime.device=cpu",
            f"hydra.run.dir={tmp_path}",
        ]
    )
    assert isinstance(trainer.algorithm, APG) and isinstance(trainer.env, PointMassEnv)
    assert isinstance(trainer.algorithm.policy, ActorOnly)
    summary = _learn(trainer)
    assert summary.eval_success_rate is not None and summary.eval_success_rate >= 0.9


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    root = tmp_path_factory.mktemp("apg_resume")
    for name, iterations in (("one_go", 6), ("first", 3)):
        run_dir = f"hydra.run.dir={root / name}"
        _learn(Trainer.from_overrides([*TINY_APG, f"runtime.iterations={iterations}", run_dir]))
    _learn(Trainer.load(root / "first", overrides=["runtime.iterations=6"], run_dir=root / "r"))
    return {
        name: load_checkpoint(root / name / "checkpoints" / "last.pt")
        for name in ("one_go", "first", "r")
    }


def test_resumed_apg_is_bit_identical_to_one_go(runs: dict[str, dict[str, Any]]) -> None:
    one_go, resumed, first = runs["one_go"], runs["r"], runs["first"]
    assert (resumed["iteration"], resumed["global_step"]) == (6, 6 * 4 * 4)
    assert "obs_normalizer.count" in one_go["policy"]
    for key, value in one_go["policy"].items():
        assert torch.equal(value, resumed["policy"][key]), key
        if key == "log_std":
            assert not torch.equal(value, first["policy"][key])  # the second half trained
    assert one_go["algorithm"]["update_count"] == resumed["algorithm"]["update_count"] == 6
    for index, state in one_go["algorithm"]["optimizer"]["state"].items():
        other = resumed["algorithm"]["optimizer"]["state"][index]
        assert torch.equal(state["exp_avg"], other["exp_avg"])
        assert torch.equal(state["exp_avg_sq"], other["exp_avg_sq"])
    for key, value in one_go["env"].items():
        assert torch.equal(value, resumed["env"][key]), key


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            [*TINY_APG, "env=push_cube"],
            "algorithm=apg needs a differentiable env (embodichain_rl.envs.DifferentiableEnv), "
            "but env.env_id=PushCubeRL builds PushCubeEnv: use env=point_mass",
        ),
        (
            ["env=point_mass", "algorithm=apg", "policy=sac_actor_critic"],
            "algorithm=apg needs a policy whose sampled actions carry gradients, one of "
            "['actor_only', 'actor_critic']; got policy=sac_actor_critic: add policy=actor_only",
        ),
    ],
)
def test_unusable_pairings_fail_before_anything_is_built(
    tmp_path: Path, overrides: list[str], message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        Trainer.from_overrides(
            [*overrides, f"hydra.run.dir={tmp_path / 'run'}"],
        )
    assert str(caught.value) == message
    assert not (tmp_path / "run").exists()
