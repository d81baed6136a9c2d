"""The trainer's features with the VLA: GRPO and PPO runs on PushCubeLanguage resume
exactly, end with a ``from_pretrained`` directory a next run starts from, and their
checkpoints evaluate and export."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

pytest.importorskip("transformers")

from embodichain_rl.trainer import Trainer
from embodichain_rl.trainer.checkpoint import load_checkpoint
from tests.vla_tiny import TINY_VLA_OVERRIDES

TINY_VLA = [
    "env=push_cube_language",
    "policy=vla",
    "env.task=reach",
    "env.num_envs=8",
    "env.action_chunk=2",
    *TINY_VLA_OVERRIDES,
    "runtime.rollout_steps=3",
    "runtime.torch_threads=1",
    "eval.freq=0",
    "eval.num_envs=4",
    "logging.progress_bar=false",
]
GRPO = ["algorithm=grpo", "policy.critic=none", "algorithm.group_size=4", "algorithm.batch_size=12"]
GRPO += ["algorithm.ratio=per_token"]  # as the VLA GRPO preset runs it
PPO = ["algorithm=ppo", "algorithm.num_minibatches=2", "algorithm.n_epochs=2"]
PPO_CONSTANT = [*PPO, "algorithm/lr_scheduler=constant"]  # linear decay depends on the total


def train(run: Path, *overrides: str) -> dict:
    with Trainer.from_overrides([*TINY_VLA, *overrides, f"hydra.run.dir={run}"]) as trainer:
        trainer.learn()
    return load_checkpoint(run / "checkpoints" / "last.pt")


@pytest.mark.parametrize("algorithm", [GRPO, PPO_CONSTANT], ids=["grpo", "ppo"])
def test_a_vla_run_resumes_exactly(tmp_path: Path, algorithm: list[str]) -> None:
    straight = train(tmp_path / "straight", *algorithm, "runtime.iterations=3")
    train(tmp_path / "first", *algorithm, "runtime.iterations=2")
    again = ["runtime.iterations=3"]
    with Trainer.load(tmp_path / "first", overrides=again, run_dir=tmp_path / "resumed") as trainer:
        trainer.learn()
    resumed = load_checkpoint(tmp_path / "resumed" / "checkpoints" / "last.pt")
    assert resumed["iteration"] == straight["iteration"] == 3
    # 8 envs x 3 decisions x 2 control steps per decision, 3 iterations
    assert resumed["global_step"] == straight["global_step"] == 144
    for key, value in straight["policy"].items():
        assert torch.equal(value, resumed["policy"][key]), key


def test_rl_starts_from_the_pretrained_directory_of_a_bc_run(tmp_path: Path) -> None:
    bc = tmp_path / "bc"
    cloned = train(bc, "algorithm=bc", "policy.critic=none", "runtime.iterations=1")
    pretrained = bc / "checkpoints" / "pretrained"
    assert (pretrained / "model.safetensors").is_file()
    rl = tmp_path / "rl"
    with Trainer.from_overrides(
        [*TINY_VLA, *PPO, f"policy.model_path={pretrained}", f"hydra.run.dir={rl}"]
    ) as trainer:
        started = {k: v.clone() for k, v in trainer.policy.state_dict().items()}
    backbone = [k for k in cloned["policy"] if k.startswith("backbone.")]
    assert backbone
    for key in backbone:  # the RL policy starts with the clone's transformer weights
        assert torch.equal(started[key], cloned["policy"][key]), key
    assert "prompt.value_head.0.weight" in started  # a fresh value head for PPO
