"""ActorCritic: shapes, deterministic mode, closed-form log-prob / entropy, configs."""

from __future__ import annotations

import math

import pytest
import torch

from embodichain_rl.policies import ActorCritic, NetworkConfig

OBS, ACT, N = 5, 3, 8
NET = {"type": "mlp", "hidden_sizes": [16, 16], "activation": "tanh"}


def _policy(**kwargs: object) -> ActorCritic:
    torch.manual_seed(0)
    return ActorCritic(obs_dim=OBS, action_dim=ACT, actor=NET, critic=NET, **kwargs)


def test_output_shapes() -> None:
    policy = _policy()
    obs = torch.randn(N, OBS)
    action, log_prob, value = policy.get_action(obs)
    assert action.shape == (N, ACT) and log_prob.shape == (N,) and value.shape == (N,)
    assert policy.get_value(obs).shape == (N,)
    lp, ent, v = policy.evaluate_actions(obs, action)
    assert lp.shape == ent.shape == v.shape == (N,)
    assert policy.act_deterministic(obs).shape == (N, ACT)


def test_deterministic_action_is_the_actor_mean() -> None:
    policy = _policy()
    obs = torch.randn(N, OBS)
    action, _, value = policy.get_action(obs, deterministic=True)
    torch.testing.assert_close(action, policy.actor(obs))
    torch.testing.assert_close(value, policy.critic(obs)[:, 0])
    stochastic, _, _ = policy.get_action(obs)
    assert not torch.allclose(stochastic, action)


def test_log_prob_and_entropy_match_the_gaussian_formulas() -> None:
    policy = _policy(init_log_std=-0.5)
    with torch.no_grad():
        policy.log_std.copy_(torch.tensor([-0.5, 0.0, 0.3]))
    obs, actions = torch.randn(N, OBS), torch.randn(N, ACT)
    log_prob, entropy, _ = policy.evaluate_actions(obs, actions)
    mean = policy.actor(obs).detach()
    std = torch.exp(torch.tensor([-0.5, 0.0, 0.3]))
    expected_lp = (
        -((actions - mean) ** 2) / (2 * std**2) - torch.log(std) - 0.5 * math.log(2 * math.pi)
    ).sum(dim=1)
    torch.testing.assert_close(log_prob, expected_lp)
    # Entropy of a diagonal Gaussian: sum_i 0.5 * log(2*pi*e*sigma_i^2)
    expected_ent = sum(0.5 * math.log(2 * math.pi * math.e * s**2) for s in std.tolist())
    torch.testing.assert_close(entropy, torch.full((N,), expected_ent))
    # get_action's log_prob scores the action it returned
    action, lp_sampled, _ = policy.get_action(obs)
    torch.testing.assert_close(lp_sampled, policy.evaluate_actions(obs, action)[0])


def test_log_std_is_a_learnable_per_dimension_parameter() -> None:
    policy = _policy(init_log_std=-1.0)
    torch.testing.assert_close(policy.log_std.detach(), torch.full((ACT,), -1.0))
    assert policy.log_std.requires_grad
    torch.testing.assert_close(policy.action_std(), torch.tensor(math.exp(-1.0)))
    obs = torch.randn(N, OBS)
    log_prob, entropy, value = policy.evaluate_actions(obs, torch.randn(N, ACT))
    (log_prob.sum() + entropy.sum() + value.sum()).backward()
    assert policy.log_std.grad is not None and policy.actor[0].weight.grad is not None


def test_network_config_dataclass_and_mapping_are_equivalent() -> None:
    cfg = NetworkConfig(type="mlp", hidden_sizes=[16, 16], activation="tanh")
    torch.manual_seed(0)
    a = ActorCritic(obs_dim=OBS, action_dim=ACT, actor=cfg, critic=cfg)
    b = _policy()
    for (ka, va), (kb, vb) in zip(a.state_dict().items(), b.state_dict().items(), strict=True):
        assert ka == kb
        torch.testing.assert_close(va, vb)


def test_invalid_network_configs_fail_loudly() -> None:
    with pytest.raises(ValueError, match=r"unknown network type 'cnn'.*\['mlp'\]"):
        ActorCritic(obs_dim=OBS, action_dim=ACT, actor={"type": "cnn"})
    with pytest.raises(ValueError, match=r"unknown network keys \['hidden'\]"):
        ActorCritic(obs_dim=OBS, action_dim=ACT, critic={"hidden": [4]})
    with pytest.raises(ValueError, match="unknown activation 'relu6'"):
        ActorCritic(obs_dim=OBS, action_dim=ACT, actor={"activation": "relu6"})


def test_unknown_option_names_it_with_a_suggestion() -> None:
    with pytest.raises(
        TypeError,
        match=r"ActorCritic: unknown keyword 'normalise_obs' \(did you mean 'normalize_obs'",
    ):
        ActorCritic(obs_dim=OBS, action_dim=ACT, normalise_obs=True)
    with pytest.raises(ValueError, match="clip_obs must be > 0"):
        ActorCritic(obs_dim=OBS, action_dim=ACT, clip_obs=0.0)
