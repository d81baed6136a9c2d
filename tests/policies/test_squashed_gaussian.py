"""SAC's policy: the squashed-Gaussian log-density (change of variables, checked against
samples and an integral), bounds, deterministic action, export, and refusals."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch

from embodichain_rl.export.actor import export_policy
from embodichain_rl.policies.q_critic import TwinQCritic
from embodichain_rl.policies.squashed import log_tanh_jacobian, squashed_log_prob
from embodichain_rl.policies.squashed_gaussian import SquashedGaussianActorCritic

SMALL = {"hidden_sizes": [16], "activation": "relu"}


def _policy(**kwargs: object) -> SquashedGaussianActorCritic:
    torch.manual_seed(0)
    options = {"actor": SMALL, "critic": SMALL, "normalize_obs": False, **kwargs}
    return SquashedGaussianActorCritic(
        obs_dim=3, action_dim=1, action_low=[-2.0], action_high=[2.0], **options
    )


def test_log_prob_matches_the_change_of_variables_by_hand() -> None:
    u = torch.tensor([[0.3, -1.2]])
    mean = torch.tensor([[0.1, -0.5]])
    log_std = torch.tensor([[-0.2, 0.4]])
    expected = 0.0
    for ui, mi, si in zip(u[0].tolist(), mean[0].tolist(), log_std[0].exp().tolist(), strict=True):
        gaussian = math.exp(-0.5 * ((ui - mi) / si) ** 2) / (si * math.sqrt(2 * math.pi))
        expected += math.log(gaussian / (1.0 - math.tanh(ui) ** 2))
    assert squashed_log_prob(u, mean, log_std).item() == pytest.approx(expected, rel=1e-5)


def test_jacobian_term_is_stable_where_tanh_saturates() -> None:
    u = torch.tensor([0.0, 5.0, 30.0, -30.0])
    got = log_tanh_jacobian(u)
    assert torch.isfinite(got).all()
    assert got[0].item() == pytest.approx(0.0, abs=1e-6)
    assert got[1].item() == pytest.approx(math.log(1 - math.tanh(5.0) ** 2), rel=1e-4)
    assert got[2].item() == pytest.approx(2 * (math.log(2) - 30.0), rel=1e-5)


def test_density_agrees_with_samples_in_every_bin() -> None:
    """Probability of bins of y = tanh(u) from 200k samples vs the density integrated."""
    mean, log_std = torch.tensor([[0.7]]), torch.tensor([[0.3]])
    gen = torch.Generator().manual_seed(1)
    y = torch.tanh(mean + log_std.exp() * torch.randn(200_000, 1, generator=gen))
    edges = torch.linspace(-0.999, 0.999, 21)
    counts = torch.histc(y, bins=20, min=-0.999, max=0.999) / y.numel()
    for i in range(20):
        grid = torch.linspace(float(edges[i]), float(edges[i + 1]), 201).unsqueeze(-1)
        u = torch.atanh(grid)
        density = squashed_log_prob(u, mean.expand_as(u), log_std.expand_as(u)).exp()
        mass = torch.trapezoid(density, grid.squeeze(-1)).item()
        assert counts[i].item() == pytest.approx(mass, abs=3e-3), i


def test_env_unit_density_integrates_to_one_over_the_bounds() -> None:
    policy = _policy()
    obs = torch.randn(1, 3)
    actions = torch.linspace(-1.99999, 1.99999, 40001).unsqueeze(-1)
    log_prob, entropy, value = policy.evaluate_actions(obs.expand(len(actions), 3), actions)
    assert torch.allclose(entropy, -log_prob)
    assert value.shape == (len(actions),)
    assert torch.trapezoid(log_prob.exp(), actions.squeeze(-1)).item() == pytest.approx(
        1.0, abs=5e-3
    )


def test_sampled_actions_stay_in_bounds_and_log_probs_agree() -> None:
    policy = _policy()
    obs = torch.randn(512, 3) * 5
    action, log_prob, value = policy.get_action(obs)
    assert action.shape == (512, 1) and log_prob.shape == (512,) and value.shape == (512,)
    assert (action.abs() <= 2.0).all()
    interior = action.abs().squeeze(-1) < 1.99  # away from atanh's clamp
    again, _, _ = policy.evaluate_actions(obs, action)
    assert torch.allclose(again[interior], log_prob[interior], atol=1e-3)
    _, unit_log_prob = policy.sample(obs)
    assert unit_log_prob.shape == (512,)


def test_deterministic_action_is_scaled_tanh_of_the_mean() -> None:
    policy = _policy()
    obs = torch.randn(8, 3)
    mean, log_std = policy.distribution(obs)
    expected = 2.0 * torch.tanh(mean)
    assert torch.allclose(policy.act_deterministic(obs), expected)
    assert torch.allclose(policy.get_action(obs, deterministic=True)[0], expected)
    assert (log_std >= -5.0).all() and (log_std <= 2.0).all()


def test_log_std_is_clamped_to_the_configured_range() -> None:
    policy = _policy(log_std_min=-3.0, log_std_max=0.5)
    with torch.no_grad():
        policy.actor[-1].bias.fill_(1e3)
    _, log_std = policy.distribution(torch.zeros(1, 3))
    assert log_std.item() == pytest.approx(0.5)
    with torch.no_grad():
        policy.actor[-1].bias.fill_(-1e3)
    _, log_std = policy.distribution(torch.zeros(1, 3))
    assert log_std.item() == pytest.approx(-3.0)


def test_twin_critics_differ_and_return_one_row_each() -> None:
    torch.manual_seed(0)
    critic = TwinQCritic(3, 2, {"hidden_sizes": [8], "activation": "relu"}, num_critics=2)
    q = critic(torch.randn(5, 3), torch.randn(5, 2))
    assert q.shape == (2, 5)
    assert not torch.allclose(q[0], q[1])


def test_refusals_name_the_policy_and_the_problem() -> None:
    with pytest.raises(ValueError, match=r"policy=sac_actor_critic needs a continuous.*\[2\]"):
        SquashedGaussianActorCritic(obs_dim=4, action_dim=1, action_nvec=[2])
    with pytest.raises(ValueError, match="must be finite"):
        SquashedGaussianActorCritic(
            obs_dim=3, action_dim=1, action_low=[-math.inf], action_high=[1.0]
        )
    with pytest.raises(ValueError, match="log_std_min must be < log_std_max"):
        _policy(log_std_min=1.0, log_std_max=0.0)


@pytest.mark.parametrize("fmt", ["torchscript", "onnx"])
def test_exported_actor_matches_the_deterministic_action(fmt: str, tmp_path: Path) -> None:
    policy = _policy(normalize_obs=True)
    policy.obs_normalizer.update(torch.randn(64, 3) * 3 + 1)  # type: ignore[union-attr]
    obs = torch.randn(6, 3)
    expected = policy.act_deterministic(obs).detach()
    if fmt == "onnx":
        ort = pytest.importorskip("onnxruntime")
        pytest.importorskip("onnx")
        path = export_policy(policy, 3, tmp_path / "actor.onnx", "onnx")
        session = ort.InferenceSession(str(path))
        got = torch.from_numpy(session.run(None, {"obs": obs.numpy()})[0])
    else:
        path = export_policy(policy, 3, tmp_path / "actor.pt", "torchscript")
        got = torch.jit.load(str(path))(obs)
    assert torch.allclose(got, expected, atol=1e-5)
