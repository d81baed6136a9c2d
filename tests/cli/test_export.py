"""Exported ONNX / TorchScript actors reproduce the policy's deterministic actions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from embodichain_rl.cli.export import export_checkpoint
from embodichain_rl.trainer.restore import restore_policy


def _policy_and_obs(trained_run: Path) -> tuple[torch.nn.Module, torch.Tensor]:
    restored = restore_policy(trained_run, device=torch.device("cpu"), num_envs=1)
    normalizer = restored.policy.obs_normalizer
    assert normalizer is not None and float(normalizer.count) > 0, "normaliser must be trained"
    generator = torch.Generator().manual_seed(0)
    obs = 3.0 * torch.randn(64, restored.env.obs_dim, generator=generator)
    return restored.policy, obs


@pytest.mark.filterwarnings("ignore:`torch.jit.load` is deprecated:DeprecationWarning")
def test_torchscript_export_matches_policy(trained_run: Path, tmp_path: Path) -> None:
    policy, obs = _policy_and_obs(trained_run)
    path = export_checkpoint(
        {"checkpoint": str(trained_run), "format": "torchscript", "out": str(tmp_path / "a.pt")},
        {},
    )
    loaded = torch.jit.load(str(path))
    with torch.no_grad():
        expected = policy.act_deterministic(obs)
        got = loaded(obs)
        single = loaded(obs[:1])
    assert got.shape == expected.shape
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=0)
    torch.testing.assert_close(single, expected[:1], atol=1e-5, rtol=0)


def test_onnx_export_matches_policy(trained_run: Path, tmp_path: Path) -> None:
    pytest.importorskip("onnx")
    ort = pytest.importorskip("onnxruntime")
    policy, obs = _policy_and_obs(trained_run)
    path = export_checkpoint({"checkpoint": str(trained_run), "format": "onnx", "out": None}, {})
    assert path == trained_run / "checkpoints" / "last.onnx"
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (got,) = session.run(["action"], {"obs": obs.numpy()})
    with torch.no_grad():
        expected = policy.act_deterministic(obs).numpy()
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-5, rtol=0)
