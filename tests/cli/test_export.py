"""Exported ONNX / TorchScript actors reproduce the policy's deterministic actions, and
exporting leaves the caller's policy as it was."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from embodichain_rl.cli.export import export_checkpoint
from embodichain_rl.config.apps import ExportAppConfig
from embodichain_rl.export import export_policy
from embodichain_rl.policies import ActorCritic
from embodichain_rl.trainer.restore import restore_policy
from tests.cli.conftest import run_cli


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
    options = ExportAppConfig(
        checkpoint=str(trained_run), format="torchscript", out=str(tmp_path / "a.pt")
    )
    path = export_checkpoint(options)
    loaded = torch.jit.load(str(path))
    with torch.no_grad():
        expected = policy.act_deterministic(obs)
        got = loaded(obs)
        single = loaded(obs[:1])
    assert got.shape == expected.shape
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=0)
    torch.testing.assert_close(single, expected[:1], atol=1e-5, rtol=0)


def test_onnx_export_matches_policy(trained_run: Path) -> None:
    pytest.importorskip("onnx")
    ort = pytest.importorskip("onnxruntime")
    policy, obs = _policy_and_obs(trained_run)
    path = export_checkpoint(ExportAppConfig(checkpoint=str(trained_run), format="onnx"))
    assert path == trained_run / "checkpoints" / "last.onnx"
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (got,) = session.run(["action"], {"obs": obs.numpy()})
    with torch.no_grad():
        expected = policy.act_deterministic(obs).numpy()
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-5, rtol=0)


@pytest.mark.filterwarnings("ignore:`torch.jit.load` is deprecated:DeprecationWarning")
def test_export_cli_applies_env_overrides(trained_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "ee.pt"
    args = ["format=torchscript", f"out={out}", "env.control_mode=ee_delta_pos"]
    result = run_cli("export", f"checkpoint={trained_run}", *args, cwd=tmp_path)
    # An ee_delta_pos env has 17 observations, the joint-mode checkpoint 29: refused, named.
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "obs_normalizer.mean" in line and not out.exists()
    result = run_cli("export", f"checkpoint={trained_run}", *args[:2], cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"wrote torchscript actor: {out}" in result.stdout
    assert torch.jit.load(str(out))(torch.zeros(3, 29)).shape == (3, 6)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ee.pt"]


def test_export_cli_names_a_bad_format(tmp_path: Path) -> None:
    result = run_cli("export", "checkpoint=X", "format=tflite", cwd=tmp_path)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "tflite" in line and "onnx" in line and "torchscript" in line


@pytest.mark.filterwarnings("ignore:`torch.jit.load` is deprecated:DeprecationWarning")
def test_export_policy_leaves_the_callers_policy_untouched(tmp_path: Path) -> None:
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    policy = ActorCritic(obs_dim=5, action_dim=2, normalize_obs=True).to(device).train()
    before = {name: p.detach().clone() for name, p in policy.state_dict().items()}
    obs = torch.randn(4, 5)
    path = export_policy(policy, 5, tmp_path / "a.pt", "torchscript")
    assert policy.training
    assert all(p.requires_grad for p in policy.parameters())
    assert all(p.device.type == device.type for p in policy.parameters())
    for name, value in policy.state_dict().items():
        torch.testing.assert_close(value, before[name], rtol=0, atol=0)
    with torch.no_grad():
        expected = policy.eval().act_deterministic(obs.to(device)).cpu()
    torch.testing.assert_close(torch.jit.load(str(path))(obs), expected, atol=1e-5, rtol=0)
