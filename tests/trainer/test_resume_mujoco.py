"""Exact resume on PushCubeMuJoCo: 4 iterations in one go == 2, stop, resume for 2; the
MuJoCo batch state travels in the checkpoint in the engine's float64."""

from __future__ import annotations

from pathlib import Path

import torch

from embodichain_rl.trainer.checkpoint import load_checkpoint
from embodichain_rl.trainer.run import run
from tests.trainer.resume_helpers import TINY

# The linear LR schedule's horizon is pinned so both halves decay over the same 4 updates.
EXACT = [
    *TINY,
    "env=push_cube_mujoco",
    "env.num_envs=8",
    "eval.freq=0",
    "algorithm.lr_schedule=linear",
    "algorithm.total_updates=4",
]


def test_mujoco_run_resumes_bit_identically(tmp_path: Path) -> None:
    from hydra import compose, initialize_config_module

    from embodichain_rl.config import register_configs

    register_configs()
    with initialize_config_module(config_module="embodichain_rl.conf", version_base="1.3"):
        run(compose("train", [*EXACT, "runtime.iterations=4"]), tmp_path / "one_go")
        run(compose("train", [*EXACT, "runtime.iterations=2"]), tmp_path / "first")
        resumed = [*EXACT, "runtime.iterations=4", f"runtime.resume={tmp_path / 'first'}"]
        run(compose("train", resumed), tmp_path / "resumed")
    one_go = load_checkpoint(tmp_path / "one_go" / "checkpoints" / "last.pt")
    again = load_checkpoint(tmp_path / "resumed" / "checkpoints" / "last.pt")
    assert again["iteration"] == 4
    for key, value in one_go["policy"].items():
        assert torch.equal(value, again["policy"][key]), key
    assert one_go["env"]["sim"]["qpos"].dtype == torch.float64
    for key, value in one_go["env"]["sim"].items():
        assert torch.equal(value, again["env"]["sim"][key]), key
    assert torch.equal(one_go["env"]["episode"], again["env"]["episode"])
