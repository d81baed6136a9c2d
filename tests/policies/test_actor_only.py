"""ActorOnly: the Gaussian actor without a critic (its distribution, network options and
bad input), and a GRPO run's policy through load_policy, export and resume."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch

from embodichain_rl import Trainer, load_policy
from embodichain_rl.export import export_policy
from embodichain_rl.policies import ActorOnly


def test_gaussian_log_prob_entropy_and_zero_values_by_hand() -> None:
    torch.manual_seed(0)
    policy = ActorOnly(obs_dim=3, action_dim=2, init_log_std=-1.0)
    obs = torch.randn(5, 3)
    action, log_prob, value = policy.get_action(obs)
    mean = policy.act_deterministic(obs)
    sigma = math.exp(-1.0)
    z = (action - mean) / sigma
    expected = (-0.5 * z.square() - math.log(sigma) - 0.5 * math.log(2 * math.pi)).sum(-1)
    torch.testing.assert_close(log_prob, expected)
    torch.testing.assert_close(value, torch.zeros(5))
    torch.testing.assert_close(policy.get_value(obs), torch.zeros(5))
    again, entropy, _ = policy.evaluate_actions(obs, action)
    torch.testing.assert_close(again, log_prob)
    torch.testing.assert_close(
        entropy, torch.full((5,), 2 * (0.5 + 0.5 * math.log(2 * math.pi) - 1))
    )


def test_log_std_is_clamped_to_its_bounds() -> None:
    policy = ActorOnly(obs_dim=2, action_dim=1, log_std_min=-2.0, log_std_max=0.5)
    with torch.no_grad():
        policy.log_std.fill_(4.0)
    assert policy.action_std().item() == pytest.approx(math.exp(0.5))


def test_orthogonal_gains_and_last_activation() -> None:
    actor = {"hidden_sizes": [16, 8], "last_activation": "tanh", "orthogonal_init": [2.0, 1.0, 0.5]}
    policy = ActorOnly(obs_dim=16, action_dim=4, actor=actor)
    linears = [m for m in policy.actor if isinstance(m, torch.nn.Linear)]
    for layer, gain in zip(linears, [2.0, 1.0, 0.5], strict=True):
        w = layer.weight.detach()  # rows orthonormal (out <= in) times the gain
        torch.testing.assert_close(w @ w.T, gain**2 * torch.eye(w.shape[0]), atol=1e-5, rtol=0)
    assert isinstance(policy.actor[-1], torch.nn.Tanh)
    assert policy.act_deterministic(100 * torch.randn(64, 16)).abs().max() <= 1.0


def test_discrete_actions_and_bad_gains_are_refused() -> None:
    with pytest.raises(ValueError, match="Gaussian policy for Box actions"):
        ActorOnly(obs_dim=2, action_dim=1, action_nvec=[3])
    with pytest.raises(ValueError, match="orthogonal_init needs 3 gains"):
        ActorOnly(obs_dim=2, action_dim=1, actor={"orthogonal_init": [1.0]})
    with pytest.raises(TypeError, match="did you mean 'init_log_std'"):
        ActorOnly(obs_dim=2, action_dim=1, init_log_stdd=0.0)


GRPO_RUN = (
    "+debug=smoke",
    "policy=actor_only",
    "algorithm=grpo",
    "algorithm.kl_coef=0.1",
    "policy.normalize_obs=true",
    "runtime.iterations=2",
)


@pytest.mark.filterwarnings("ignore:`torch.jit.load` is deprecated:DeprecationWarning")
def test_a_grpo_run_loads_exports_and_resumes(tmp_path: Path) -> None:
    run = tmp_path / "run"
    with Trainer.from_overrides([*GRPO_RUN, f"hydra.run.dir={run}"]) as trainer:
        trainer.learn()
        policy = trainer.policy
        saved_reference = {
            k: v.clone() for k, v in trainer.algorithm.reference.state_dict().items()
        }
        assert float(policy.obs_normalizer.count) > 0
        obs = 3.0 * torch.randn(16, trainer.env.obs_dim)
        with torch.no_grad():
            expected = policy.act_deterministic(obs)
        path = export_policy(policy, trainer.env.obs_dim, tmp_path / "actor.pt", "torchscript")
    torch.testing.assert_close(load_policy(run)(obs), expected)
    torch.testing.assert_close(torch.jit.load(str(path))(obs), expected, atol=1e-5, rtol=0)
    overrides = ["runtime.iterations=3"]
    with Trainer.load(run, overrides=overrides, run_dir=tmp_path / "resumed") as trainer:
        for name, value in trainer.algorithm.reference.state_dict().items():
            torch.testing.assert_close(value, saved_reference[name], rtol=0, atol=0)
        summary = trainer.learn()
    assert (summary.iterations, summary.global_steps) == (3, 3 * 4 * 4)
