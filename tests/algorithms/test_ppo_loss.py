"""The clipped PPO objective on fixed tensors against numbers worked out by hand."""

from __future__ import annotations

import math

import torch

from embodichain_rl.algorithms import ppo_loss

RATIOS = [1.5, 0.5, 1.1, 0.7]
OLD_LOG_PROBS = torch.tensor([-1.0, -2.0, -0.5, -3.0])
NEW_LOG_PROBS = OLD_LOG_PROBS + torch.log(torch.tensor(RATIOS))
ADVANTAGES = torch.tensor([1.0, 1.0, -1.0, -1.0])
VALUES = torch.tensor([1.0, 2.0, 3.0, 4.0])
OLD_VALUES = torch.tensor([1.2, 2.0, 3.5, 3.5])
RETURNS = torch.tensor([1.5, 2.0, 2.0, 5.0])
ENTROPY = torch.tensor([1.0, 1.2, 1.4, 1.2])


def _loss(clip_value_loss: bool) -> object:
    return ppo_loss(
        log_probs=NEW_LOG_PROBS,
        old_log_probs=OLD_LOG_PROBS,
        advantages=ADVANTAGES,
        values=VALUES,
        old_values=OLD_VALUES,
        returns=RETURNS,
        entropy=ENTROPY,
        clip_coef=0.2,
        vf_coef=0.5,
        ent_coef=0.01,
        clip_value_loss=clip_value_loss,
    )


def test_clipped_surrogate_value_entropy_and_total() -> None:
    terms = _loss(clip_value_loss=False)
    # Per sample max(-A*r, -A*clip(r, 0.8, 1.2)):
    #   A=+1 r=1.5: max(-1.5, -1.2) = -1.2     A=+1 r=0.5: max(-0.5, -0.8) = -0.5
    #   A=-1 r=1.1: max( 1.1,  1.1) =  1.1     A=-1 r=0.7: max( 0.7,  0.8) =  0.8
    #   mean = 0.2 / 4 = 0.05
    torch.testing.assert_close(terms.policy_loss, torch.tensor(0.05))
    # 0.5 * mean((V - R)^2) = 0.5 * (0.25 + 0 + 1 + 1) / 4 = 0.28125
    torch.testing.assert_close(terms.value_loss, torch.tensor(0.28125))
    torch.testing.assert_close(terms.entropy, torch.tensor(1.2))
    # 0.05 + 0.5 * 0.28125 - 0.01 * 1.2 = 0.05 + 0.140625 - 0.012 = 0.178625
    torch.testing.assert_close(terms.loss, torch.tensor(0.178625))
    # |r - 1| = 0.5, 0.5, 0.1, 0.3 -> 3 of 4 beyond 0.2
    torch.testing.assert_close(terms.clipfrac, torch.tensor(0.75))
    expected_kl = sum((r - 1.0) - math.log(r) for r in RATIOS) / 4
    torch.testing.assert_close(terms.approx_kl, torch.tensor(expected_kl))


def test_clipped_value_loss_takes_the_larger_error() -> None:
    terms = _loss(clip_value_loss=True)
    # V_clip = V_old + clamp(V - V_old, -0.2, 0.2) = [1.0, 2.0, 3.3, 3.7]
    # (V_clip - R)^2 = [0.25, 0, 1.69, 1.69]; unclipped [0.25, 0, 1, 1]; max sums to 3.63
    # 0.5 * 3.63 / 4 = 0.45375
    torch.testing.assert_close(terms.value_loss, torch.tensor(0.45375))
    torch.testing.assert_close(terms.loss, torch.tensor(0.05 + 0.5 * 0.45375 - 0.012))


def test_loss_gradient_reaches_only_unclipped_samples() -> None:
    new_log_probs = NEW_LOG_PROBS.clone().requires_grad_(True)
    terms = ppo_loss(
        log_probs=new_log_probs,
        old_log_probs=OLD_LOG_PROBS,
        advantages=ADVANTAGES,
        values=VALUES,
        old_values=OLD_VALUES,
        returns=RETURNS,
        entropy=ENTROPY,
        clip_coef=0.2,
        vf_coef=0.5,
        ent_coef=0.01,
        clip_value_loss=False,
    )
    terms.loss.backward()
    assert new_log_probs.grad is not None
    # d/dlogp of -A*r/4 is -A*r/4 where the unclipped branch is active (samples 1 and 2),
    # zero where the clipped branch wins (samples 0 and 3).
    expected = torch.tensor([0.0, -0.5 / 4, 1.1 / 4, 0.0])
    torch.testing.assert_close(new_log_probs.grad, expected)
