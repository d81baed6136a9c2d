"""Categorical heads: exact log-probabilities and entropies, sampling, argmax, and the
discrete ``ActorCritic``."""

from __future__ import annotations

import math

import pytest
import torch

from embodichain_rl.policies import ActorCritic, MultiCategorical

LN3 = math.log(3.0)


def test_log_prob_and_entropy_of_one_component_equal_the_hand_computed_values() -> None:
    # logits [0, ln 3] -> p = [1/4, 3/4]
    head = MultiCategorical([2])
    logits = torch.tensor([[0.0, LN3], [0.0, LN3]])
    log_prob = head.log_prob(logits, torch.tensor([[0], [1]]))
    torch.testing.assert_close(log_prob, torch.tensor([math.log(0.25), math.log(0.75)]))
    entropy = -(0.25 * math.log(0.25) + 0.75 * math.log(0.75))  # 0.562335...
    torch.testing.assert_close(head.entropy(logits), torch.tensor([entropy, entropy]))
    assert head.mode(logits).tolist() == [[1], [1]]


def test_components_are_independent_and_their_terms_add_up() -> None:
    # component 0 over 2 choices (p = [1/4, 3/4]), component 1 over 3 (p = [1/6, 1/6, 2/3]).
    head = MultiCategorical([2, 3])
    assert head.num_logits == 5
    logits = torch.tensor([[0.0, LN3, 0.0, 0.0, math.log(4.0)]])
    log_prob = head.log_prob(logits, torch.tensor([[0, 2]]))
    torch.testing.assert_close(log_prob, torch.tensor([math.log(0.25) + math.log(2 / 3)]))
    h0 = -(0.25 * math.log(0.25) + 0.75 * math.log(0.75))
    h1 = -(2 * (1 / 6) * math.log(1 / 6) + (2 / 3) * math.log(2 / 3))
    torch.testing.assert_close(head.entropy(logits), torch.tensor([h0 + h1]))
    assert head.mode(logits).tolist() == [[1, 2]]


def test_samples_follow_the_distribution() -> None:
    torch.manual_seed(0)
    head = MultiCategorical([2, 3])
    logits = torch.tensor([[0.0, LN3, 0.0, 0.0, math.log(4.0)]]).expand(40_000, 5)
    samples = head.sample(logits)
    assert samples.dtype == torch.int64 and samples.shape == (40_000, 2)
    first = torch.bincount(samples[:, 0], minlength=2).double() / 40_000
    second = torch.bincount(samples[:, 1], minlength=3).double() / 40_000
    # 4 standard errors of a frequency over 40k draws is below 0.01.
    torch.testing.assert_close(first, torch.tensor([0.25, 0.75]).double(), atol=0.01, rtol=0)
    expected = torch.tensor([1 / 6, 1 / 6, 2 / 3]).double()
    torch.testing.assert_close(second, expected, atol=0.01, rtol=0)


def test_invalid_sizes_are_rejected() -> None:
    with pytest.raises(ValueError, match="must be positive"):
        MultiCategorical([2, 0])
    with pytest.raises(ValueError, match=r"action_nvec \[2, 3\] has 2 components but action_dim=1"):
        ActorCritic(obs_dim=3, action_dim=1, action_nvec=[2, 3])


def _discrete_policy() -> ActorCritic:
    torch.manual_seed(0)
    net = {"hidden_sizes": [16], "activation": "tanh"}
    return ActorCritic(obs_dim=4, action_dim=2, action_nvec=[3, 5], actor=net, critic=net)


def test_discrete_actor_critic_acts_with_integer_indices_in_range() -> None:
    policy = _discrete_policy()
    assert policy.action_dtype == torch.int64
    assert not hasattr(policy, "log_std") and policy.action_std() is None
    assert policy.actor[-1].out_features == 3 + 5
    obs = torch.randn(64, 4)
    action, log_prob, value = policy.get_action(obs)
    assert action.dtype == torch.int64 and action.shape == (64, 2)
    assert ((action >= 0) & (action < torch.tensor([3, 5]))).all()
    assert log_prob.shape == value.shape == (64,)
    scored, entropy, scored_value = policy.evaluate_actions(obs, action)
    torch.testing.assert_close(scored, log_prob)
    torch.testing.assert_close(scored_value, value)
    assert (entropy > 0).all() and (entropy <= math.log(3) + math.log(5) + 1e-6).all()


def test_discrete_deterministic_action_is_the_argmax_of_each_component() -> None:
    policy = _discrete_policy()
    obs = torch.randn(32, 4)
    logits = policy.actor(obs)
    expected = torch.stack([logits[:, :3].argmax(-1), logits[:, 3:].argmax(-1)], dim=-1)
    assert torch.equal(policy.act_deterministic(obs), expected)
    action, _, _ = policy.get_action(obs, deterministic=True)
    assert torch.equal(action, expected)


def test_discrete_log_prob_and_entropy_are_differentiable() -> None:
    policy = _discrete_policy()
    obs = torch.randn(8, 4)
    log_prob, entropy, value = policy.evaluate_actions(obs, torch.zeros(8, 2, dtype=torch.int64))
    (log_prob.sum() + entropy.sum() + value.sum()).backward()
    assert policy.actor[0].weight.grad is not None and policy.critic[0].weight.grad is not None
