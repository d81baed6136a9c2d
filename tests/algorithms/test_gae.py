"""compute_gae against a 3-step, 2-env example worked out by hand."""

from __future__ import annotations

import pytest
import torch

from embodichain_rl.algorithms import compute_gae

GAMMA = 0.9
LAMBDA = 0.8  # gamma * lambda = 0.72


def test_gae_matches_hand_computation_with_termination_and_truncation() -> None:
    # Env 0 terminates at t=1 (no bootstrap) and runs on to the rollout end.
    # Env 1 is truncated at t=0: raw reward 1.0, V(final_obs) = 4.0, so the rollout stored
    # 1.0 + 0.9 * 4.0 = 4.6 and marked the step done.
    rewards = torch.tensor([[1.0, 4.6], [2.0, 0.0], [3.0, -1.0]])
    values = torch.tensor([[0.5, 2.0], [1.0, 1.0], [1.5, 0.0]])
    dones = torch.tensor([[False, True], [True, False], [False, False]])
    next_value = torch.tensor([2.0, 0.5])

    advantages, returns = compute_gae(rewards, values, dones, next_value, GAMMA, LAMBDA)

    # Env 0:
    #   t=2: delta = 3 + 0.9*2.0 - 1.5 = 3.3                    A2 = 3.3
    #   t=1: done, delta = 2 - 1.0 = 1.0                        A1 = 1.0
    #   t=0: delta = 1 + 0.9*1.0 - 0.5 = 1.4                    A0 = 1.4 + 0.72*1.0 = 2.12
    # Env 1:
    #   t=2: delta = -1 + 0.9*0.5 - 0.0 = -0.55                 A2 = -0.55
    #   t=1: delta = 0 + 0.9*0.0 - 1.0 = -1.0                   A1 = -1.0 + 0.72*(-0.55) = -1.396
    #   t=0: done, delta = 4.6 - 2.0 = 2.6                      A0 = 2.6
    expected_adv = torch.tensor([[2.12, 2.6], [1.0, -1.396], [3.3, -0.55]])
    # returns = advantages + values
    expected_ret = torch.tensor([[2.62, 4.6], [2.0, -0.396], [4.8, -0.55]])
    torch.testing.assert_close(advantages, expected_adv)
    torch.testing.assert_close(returns, expected_ret)


def test_gae_with_lambda_one_and_no_dones_is_discounted_return_minus_value() -> None:
    rewards = torch.tensor([[1.0], [1.0], [1.0]])
    values = torch.tensor([[0.3], [0.2], [0.1]])
    dones = torch.zeros(3, 1)
    next_value = torch.tensor([10.0])
    advantages, returns = compute_gae(rewards, values, dones, next_value, 0.5, 1.0)
    # returns: t=2: 1 + 0.5*10 = 6; t=1: 1 + 0.5*6 = 4; t=0: 1 + 0.5*4 = 3
    torch.testing.assert_close(returns, torch.tensor([[3.0], [4.0], [6.0]]))
    torch.testing.assert_close(advantages, torch.tensor([[2.7], [3.8], [5.9]]))


def test_gae_rejects_mismatched_shapes() -> None:
    with pytest.raises(ValueError, match="next_value"):
        compute_gae(
            torch.zeros(3, 2), torch.zeros(3, 2), torch.zeros(3, 2), torch.zeros(3), 0.9, 0.9
        )
    with pytest.raises(ValueError, match=r"\[T, N\]"):
        compute_gae(
            torch.zeros(3, 2), torch.zeros(3, 1), torch.zeros(3, 2), torch.zeros(2), 0.9, 0.9
        )
