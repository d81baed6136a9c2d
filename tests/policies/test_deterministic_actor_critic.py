"""DeterministicActorCritic (``policy=td3_actor_critic``): actions squashed into the
env's bounds, min-Q values, the observation normaliser, bad spaces refused, export."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from embodichain_rl.export import export_policy
from embodichain_rl.policies import get_policy_class
from embodichain_rl.policies.deterministic_actor_critic import DeterministicActorCritic

OBS, ACT, N = 4, 2, 64
NET = {"hidden_sizes": [16, 16], "activation": "relu"}
LOW, HIGH = [-2.0, 0.0], [2.0, 1.0]  # centres 0 and 0.5, half-ranges 2 and 0.5


def _policy(**kwargs: object) -> DeterministicActorCritic:
    torch.manual_seed(0)
    options: dict[str, object] = {"actor": NET, "critic": NET, "normalize_obs": False}
    options.update(kwargs)
    return DeterministicActorCritic(
        obs_dim=OBS, action_dim=ACT, action_low=LOW, action_high=HIGH, **options
    )


def _grow_actor_output(policy: DeterministicActorCritic) -> None:
    """Scale the output layer up so tanh saturates and the bounds are reached."""
    with torch.no_grad():
        policy.actor[-1].weight.mul_(1000.0)


def test_registered_as_td3_actor_critic_and_receives_bounds() -> None:
    assert get_policy_class("td3_actor_critic") is DeterministicActorCritic
    assert DeterministicActorCritic.accepts_action_bounds is True


def test_actions_are_bias_plus_half_range_times_tanh_of_the_actor() -> None:
    policy = _policy()
    _grow_actor_output(policy)
    obs = torch.randn(N, OBS)
    with torch.no_grad():
        raw = policy.actor(obs)
        expected = torch.tensor([0.0, 0.5]) + torch.tensor([2.0, 0.5]) * torch.tanh(raw)
        action = policy.act_deterministic(obs)
    torch.testing.assert_close(action, expected)
    assert (action >= torch.tensor(LOW)).all() and (action <= torch.tensor(HIGH)).all()
    # saturated: both ends of each dimension are (numerically) reached
    assert action[:, 0].max() > 1.99 and action[:, 0].min() < -1.99
    assert action[:, 1].max() > 0.99 and action[:, 1].min() < 0.01


def test_get_action_is_deterministic_with_zero_log_prob_and_min_q_value() -> None:
    policy = _policy()
    obs = torch.randn(N, OBS)
    with torch.no_grad():
        action, log_prob, value = policy.get_action(obs)
        again, _, _ = policy.get_action(obs, deterministic=True)
        unit = (action - torch.tensor([0.0, 0.5])) / torch.tensor([2.0, 0.5])
        q = policy.critic(obs, unit)
    assert q.shape == (2, N)
    torch.testing.assert_close(action, again)
    torch.testing.assert_close(log_prob, torch.zeros(N))
    torch.testing.assert_close(value, torch.minimum(q[0], q[1]))
    torch.testing.assert_close(policy.get_value(obs), value)


def test_evaluate_actions_scores_given_actions_with_the_smaller_q() -> None:
    policy = _policy()
    obs, actions = torch.randn(N, OBS), torch.rand(N, ACT)
    with torch.no_grad():
        log_prob, entropy, value = policy.evaluate_actions(obs, actions)
        q = policy.critic(obs, (actions - torch.tensor([0.0, 0.5])) / torch.tensor([2.0, 0.5]))
    torch.testing.assert_close(log_prob, torch.zeros(N))
    torch.testing.assert_close(entropy, torch.zeros(N))
    torch.testing.assert_close(value, q.min(dim=0).values)


def test_normalizer_is_applied_before_the_actor() -> None:
    policy = _policy(normalize_obs=True)
    normalizer = policy.observation_normalizer()
    assert normalizer is not None
    data = 5.0 + 3.0 * torch.randn(512, OBS)
    normalizer.update(data)
    obs = 5.0 + 3.0 * torch.randn(N, OBS)
    mean, var = data.mean(0), data.var(0, unbiased=False)
    x = ((obs - mean) / torch.sqrt(var + 1e-8)).clamp(-10.0, 10.0)
    with torch.no_grad():
        expected = torch.tensor([0.0, 0.5]) + torch.tensor([2.0, 0.5]) * torch.tanh(policy.actor(x))
        torch.testing.assert_close(policy.act_deterministic(obs), expected)
    assert "obs_normalizer.count" in policy.state_dict()


def test_default_bounds_are_unit_and_bounds_stay_out_of_the_state_dict() -> None:
    policy = DeterministicActorCritic(obs_dim=OBS, action_dim=ACT, actor=NET, critic=NET)
    torch.testing.assert_close(policy.action_low, -torch.ones(ACT))
    torch.testing.assert_close(policy.action_high, torch.ones(ACT))
    assert not any(key.startswith("action_") for key in policy.state_dict())


def test_discrete_action_space_is_refused_naming_the_policy() -> None:
    with pytest.raises(ValueError, match=r"policy=td3_actor_critic needs a continuous"):
        DeterministicActorCritic(obs_dim=OBS, action_dim=1, action_nvec=[3])


@pytest.mark.parametrize(
    ("low", "high", "problem"),
    [
        ([-1.0], [1.0], "need 2 values"),
        ([-float("inf"), -1.0], [1.0, 1.0], "finite"),
        ([1.0, -1.0], [1.0, 1.0], "action_low < action_high"),
    ],
)
def test_bad_bounds_are_refused(low: list[float], high: list[float], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        DeterministicActorCritic(obs_dim=OBS, action_dim=ACT, action_low=low, action_high=high)


def test_unknown_option_names_the_closest_valid_one() -> None:
    with pytest.raises(TypeError, match="did you mean 'normalize_obs'"):
        DeterministicActorCritic(obs_dim=OBS, action_dim=ACT, normalise_obs=True)


@pytest.mark.filterwarnings("ignore:`torch.jit.load` is deprecated:DeprecationWarning")
def test_torchscript_export_reproduces_the_bounded_actions(tmp_path: Path) -> None:
    policy = _policy(normalize_obs=True)
    _grow_actor_output(policy)
    policy.observation_normalizer().update(2.0 * torch.randn(256, OBS))  # type: ignore[union-attr]
    path = export_policy(policy, OBS, tmp_path / "actor.pt", "torchscript")
    obs = 2.0 * torch.randn(N, OBS)
    with torch.no_grad():
        torch.testing.assert_close(torch.jit.load(str(path))(obs), policy.act_deterministic(obs))
