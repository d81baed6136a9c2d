"""A SAC run goes through the same tools as PPO's: TensorBoard and offline W&B get its
learner metrics, ``embodichain-eval`` evaluates its checkpoint and ``embodichain-export``
writes ONNX / TorchScript actors that reproduce its deterministic (tanh of the mean)
action."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from embodichain_rl.trainer.restore import restore_policy
from tests.cli.conftest import run_cli

SAC_LEARNER_TAGS = {
    "train/critic_loss",
    "train/actor_loss",
    "train/q_mean",
    "train/target_q_mean",
    "train/alpha",
    "train/alpha_loss",
    "train/entropy",
    "train/buffer_fill",
}


@pytest.fixture(scope="module")
def sac_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-iteration PushCube SAC run with gradient steps, eval and offline W&B."""
    run_dir = tmp_path_factory.mktemp("sac") / "run"
    result = run_cli(
        "train",
        "+experiment=push_cube_sac",
        "+debug=smoke_off_policy",
        "runtime.iterations=2",
        "policy.normalize_obs=true",
        "logging.use_wandb=true",
        "logging.wandb_mode=offline",
        f"hydra.run.dir={run_dir}",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return run_dir


def test_learner_metrics_reach_tensorboard_and_wandb(sac_run: Path) -> None:
    accumulator = EventAccumulator(str(sac_run / "logs"))
    accumulator.Reload()
    tags = set(accumulator.Tags()["scalars"])
    assert tags >= SAC_LEARNER_TAGS | {"eval/success_rate"}
    fill = [e.value for e in accumulator.Scalars("train/buffer_fill")]
    assert fill == pytest.approx([16 / 64, 32 / 64])  # 4 envs x 4 steps per iteration
    alpha = accumulator.Scalars("train/alpha")[-1].value
    assert alpha > 0.0 and alpha != pytest.approx(0.01, abs=1e-9), "alpha was never tuned"
    assert list(sac_run.rglob("*.wandb")), "no offline W&B run file"


def test_eval_app_evaluates_the_sac_checkpoint(sac_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "eval"
    result = run_cli("eval", f"checkpoint={sac_run}", "num_episodes=4", f"out={out}")
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((out / "eval.json").read_text())
    assert report["episodes"] == 4 and report["iteration"] == 2
    assert 0.0 <= report["success_rate"] <= 1.0


@pytest.mark.filterwarnings("ignore:`torch.jit.load` is deprecated:DeprecationWarning")
def test_exported_actors_reproduce_the_deterministic_action(sac_run: Path, tmp_path: Path) -> None:
    ort = pytest.importorskip("onnxruntime")
    restored = restore_policy(sac_run, device=torch.device("cpu"), num_envs=1)
    policy = restored.policy
    normalizer = policy.observation_normalizer()
    assert normalizer is not None and float(normalizer.count) == 32
    obs = 3.0 * torch.randn(16, restored.env.obs_dim, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        mean, _ = policy.distribution(policy.normalize(obs))
        expected = policy.action_bias + policy.action_scale * torch.tanh(mean)
    for fmt, name in (("onnx", "sac.onnx"), ("torchscript", "sac.pt")):
        result = run_cli(
            "export", f"checkpoint={sac_run}", f"format={fmt}", f"out={tmp_path / name}"
        )
        assert result.returncode == 0, result.stderr[-3000:]
    session = ort.InferenceSession(str(tmp_path / "sac.onnx"), providers=["CPUExecutionProvider"])
    (from_onnx,) = session.run(["action"], {"obs": obs.numpy()})
    np.testing.assert_allclose(from_onnx, expected.numpy(), atol=1e-5, rtol=0)
    scripted = torch.jit.load(str(tmp_path / "sac.pt"))
    with torch.no_grad():
        torch.testing.assert_close(scripted(obs), expected, atol=1e-5, rtol=0)
