"""GRPO's group advantages, k3 KL and clipped loss against values worked out by hand."""

from __future__ import annotations

import math

import pytest
import torch

from embodichain_rl.algorithms.group_advantage import (
    alive_mask,
    discounted_returns,
    group_advantages,
)
from embodichain_rl.algorithms.grpo_loss import grpo_loss, k3_kl

# One group of 4 envs over 3 steps, gamma = 0.5 (columns are envs, rows are steps).
REWARDS = torch.tensor([[1.0, 2.0, 0.0, 1.0], [1.0, 0.0, 3.0, 0.0], [1.0, 4.0, 0.0, 2.0]])
DONES = torch.tensor([[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
# G_t = r_t + 0.5 * G_{t+1} * (1 - done_t), G_3 = 0:
#   env 0: G_2 = 1, G_1 = 1 + 0.5 = 1.5, G_0 = 1 + 0.75 = 1.75
#   env 1: done at t=0 -> G_0 = 2; G_2 = 4, G_1 = 0 + 2 = 2
#   env 2: done at t=1 -> G_1 = 3; G_2 = 0, G_0 = 0 + 1.5 = 1.5
#   env 3: G_2 = 2, G_1 = 0 + 1 = 1, G_0 = 1 + 0.5 = 1.5
RETURNS = torch.tensor([[1.75, 2.0, 1.5, 1.5], [1.5, 2.0, 3.0, 1.0], [1.0, 4.0, 0.0, 2.0]])


def standardised(values: list[float]) -> list[float]:
    """(x - mean) / population std, by the textbook formula."""
    mean = sum(values) / len(values)
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    return [(v - mean) / std for v in values]


def test_discounted_returns_reset_at_episode_ends() -> None:
    torch.testing.assert_close(discounted_returns(REWARDS, DONES, gamma=0.5), RETURNS)


def test_alive_mask_keeps_the_first_episode_end_and_drops_what_follows() -> None:
    expected = torch.tensor([[1.0, 1.0, 1.0, 1.0], [1.0, 0.0, 1.0, 1.0], [1.0, 0.0, 0.0, 1.0]])
    torch.testing.assert_close(alive_mask(DONES, truncate_at_first_done=True), expected)
    torch.testing.assert_close(alive_mask(DONES, truncate_at_first_done=False), torch.ones(3, 4))


def test_group_advantages_standardise_over_the_alive_envs_of_each_step() -> None:
    mask = alive_mask(DONES, truncate_at_first_done=True)
    got = group_advantages(RETURNS, mask, group_size=4, eps=0.0)
    # t=0: all four alive: returns 1.75, 2, 1.5, 1.5 (mean 1.6875, variance 0.04296875).
    row0 = [d / math.sqrt(0.04296875) for d in (0.0625, 0.3125, -0.1875, -0.1875)]
    # t=1: env 1 is past its first end: 1.5, 3, 1 over envs 0, 2, 3.
    a, c, d = standardised([1.5, 3.0, 1.0])
    # t=2: envs 0 and 3 alive: 1 and 2 -> -1 and +1.
    expected = torch.tensor([row0, [a, 0.0, c, d], [-1.0, 0.0, 0.0, 1.0]])
    torch.testing.assert_close(got, expected)


def test_without_truncation_every_step_counts() -> None:
    got = group_advantages(RETURNS, torch.ones(3, 4), group_size=4, eps=0.0)
    expected = torch.tensor([standardised(row) for row in RETURNS.tolist()])
    torch.testing.assert_close(got, expected)


def test_groups_are_standardised_separately() -> None:
    # Group 2 holds group 1's returns times 3 (scale-free: the same advantages), group 3 a
    # constant (zero advantages, kept finite by eps).
    returns = torch.cat((RETURNS, 3.0 * RETURNS, torch.full((3, 4), 7.0)), dim=1)
    got = group_advantages(returns, torch.ones(3, 12), group_size=4, eps=1e-8)
    alone = group_advantages(RETURNS, torch.ones(3, 4), group_size=4, eps=1e-8)
    torch.testing.assert_close(got[:, :4], alone)
    torch.testing.assert_close(got[:, 4:8], alone)
    torch.testing.assert_close(got[:, 8:], torch.zeros(3, 4))


def test_an_all_dead_group_step_gives_zeros_not_nan() -> None:
    got = group_advantages(RETURNS, torch.zeros(3, 4), group_size=4, eps=1e-8)
    torch.testing.assert_close(got, torch.zeros(3, 4))


def test_group_size_must_divide_the_envs() -> None:
    with pytest.raises(ValueError, match="num_envs=4 is not a multiple of group_size=3"):
        group_advantages(RETURNS, torch.ones(3, 4), group_size=3, eps=1e-8)


def test_k3_kl_matches_hand_math() -> None:
    log_probs = torch.tensor([0.0, -1.0, -0.3])
    ref = torch.tensor([-1.0, 0.0, -0.3])
    # log r = ref - log pi = -1, 1, 0 -> e^-1 + 1 - 1, e - 1 - 1, 0.
    expected = torch.tensor([math.exp(-1.0), math.e - 2.0, 0.0])
    torch.testing.assert_close(k3_kl(log_probs, ref), expected)


def test_grpo_loss_terms_by_hand() -> None:
    # Ratios 1.5, 0.5 and 1.0 (the third sample is masked out), advantages +1, +1, -5.
    log_probs = torch.log(torch.tensor([1.5, 0.5, 1.0]))
    terms = grpo_loss(
        log_probs=log_probs,
        old_log_probs=torch.zeros(3),
        advantages=torch.tensor([1.0, 1.0, -5.0]),
        mask=torch.tensor([1.0, 1.0, 0.0]),
        entropy=torch.tensor([2.0, 4.0, 100.0]),
        ref_log_probs=torch.zeros(3),
        clip_coef=0.2,
        ent_coef=0.1,
        kl_coef=0.5,
    )
    # min(1.5, 1.2) * 1 = 1.2 and min(0.5, 0.8) * 1 = 0.5 -> policy loss -(1.2 + 0.5) / 2.
    assert terms.policy_loss.item() == pytest.approx(-0.85)
    assert terms.entropy.item() == pytest.approx(3.0)
    # log r = -log 1.5 and -log 0.5: (1/1.5 + log 1.5 - 1 + 2 + log 0.5 - 1) / 2.
    ref_kl = (1 / 1.5 + math.log(1.5) - 1 + 2 + math.log(0.5) - 1) / 2
    assert terms.ref_kl.item() == pytest.approx(ref_kl)
    assert terms.loss.item() == pytest.approx(-0.85 - 0.1 * 3.0 + 0.5 * ref_kl)
    assert terms.clipfrac.item() == pytest.approx(1.0)


def test_per_token_loss_clips_each_part_on_its_own() -> None:
    # One sample of two parts with ratios 1.5 and 1.0 (joint ratio 1.5), advantage +1.
    log_probs = torch.log(torch.tensor([[1.5, 1.0]]))
    common = dict(
        old_log_probs=torch.zeros(1, 2),
        advantages=torch.tensor([1.0]),
        mask=torch.tensor([1.0]),
        entropy=torch.tensor([0.0]),
        ref_log_probs=torch.log(torch.tensor([[1.0, 2.0]])),
        clip_coef=0.2,
        ent_coef=0.0,
        kl_coef=1.0,
    )
    terms = grpo_loss(log_probs=log_probs, **common)
    # Parts: min(1.5, 1.2) = 1.2 and 1.0, averaged -> -1.1 (the joint ratio would give -1.2).
    assert terms.policy_loss.item() == pytest.approx(-1.1)
    assert terms.clipfrac.item() == pytest.approx(0.5)
    # k3 summed over the parts: log r = -log 1.5 and log 2.
    ref_kl = (1 / 1.5 + math.log(1.5) - 1) + (2 - math.log(2) - 1)
    assert terms.ref_kl.item() == pytest.approx(ref_kl)
    joint = grpo_loss(log_probs=log_probs.sum(-1), **{**common, "old_log_probs": torch.zeros(1)})
    assert joint.policy_loss.item() == pytest.approx(-1.2)
