"""TD3's tensor math against hand-computed numbers: target smoothing, the clipped double-Q
target and FastTD3's per-env exploration-noise scales (Polyak: test_td3_update.py)."""

from __future__ import annotations

import torch

from embodichain_rl.algorithms.off_policy.td3_math import (
    clipped_double_q_target,
    draw_noise_scales,
    explore,
    redraw_finished_scales,
    smoothed_target_action,
)

# Two action dimensions with different ranges: [-1, 1] (half-range 1) and [-2, 2] (2).
LOW = torch.tensor([-1.0, -2.0])
HIGH = torch.tensor([1.0, 2.0])
SCALE = torch.tensor([1.0, 2.0])


def _smooth(action: list[list[float]], noise: list[list[float]]) -> torch.Tensor:
    return smoothed_target_action(
        torch.tensor(action),
        torch.tensor(noise),
        policy_noise=0.2,
        noise_clip=0.5,
        scale=SCALE,
        low=LOW,
        high=HIGH,
    )


def test_smoothing_noise_is_scaled_by_policy_noise_and_the_half_range() -> None:
    # offsets 0.2*1.0*1 = 0.2 and 0.2*(-1.0)*2 = -0.4; nothing clipped
    torch.testing.assert_close(_smooth([[0.1, 0.0]], [[1.0, -1.0]]), torch.tensor([[0.3, -0.4]]))


def test_smoothing_noise_is_clipped_to_noise_clip_half_ranges() -> None:
    # 0.2*3.0 = 0.6 -> clipped to 0.5 (x1); 0.2*(-4.0) = -0.8 -> -0.5 (x2 = -1.0)
    torch.testing.assert_close(_smooth([[0.2, 0.5]], [[3.0, -4.0]]), torch.tensor([[0.7, -0.5]]))


def test_smoothed_next_action_is_clipped_to_the_bounds() -> None:
    # 0.9 + 0.5 = 1.4 -> 1.0;  -1.9 + 0.2*(-0.5)*2 = -2.1 -> -2.0
    torch.testing.assert_close(_smooth([[0.9, -1.9]], [[3.0, -0.5]]), torch.tensor([[1.0, -2.0]]))


def test_target_is_reward_plus_bootstrap_times_the_smaller_target_q() -> None:
    rewards = torch.tensor([1.0, 2.0, 3.0])
    bootstrap = torch.tensor([0.99, 0.0, 0.9801])  # gamma, a termination, an n=2 gamma**2
    target_q = torch.tensor([[5.0, 1.0, -2.0], [4.0, 3.0, -1.0]])
    expected = torch.tensor([1.0 + 0.99 * 4.0, 2.0, 3.0 - 0.9801 * 2.0])
    torch.testing.assert_close(clipped_double_q_target(rewards, bootstrap, target_q), expected)


def test_noise_scales_cover_the_configured_range_one_per_env() -> None:
    generator = torch.Generator().manual_seed(0)
    scales = draw_noise_scales(20_000, 0.001, 0.4, generator=generator, device=torch.device("cpu"))
    assert scales.shape == (20_000, 1)
    assert scales.min() >= 0.001 and scales.max() < 0.4
    assert scales.min() < 0.002 and scales.max() > 0.399  # the whole range is used
    assert abs(scales.mean().item() - 0.2005) < 0.005  # uniform: mean is the midpoint


def test_only_finished_envs_get_a_new_noise_scale() -> None:
    generator = torch.Generator().manual_seed(1)
    scales = torch.full((6, 1), 0.25)
    finished = torch.tensor([True, False, False, True, True, False])
    redrawn = redraw_finished_scales(scales, finished, 0.5, 0.8, generator=generator)
    torch.testing.assert_close(redrawn[~finished], scales[~finished])
    fresh = redrawn[finished]
    assert ((fresh >= 0.5) & (fresh < 0.8)).all()  # outside the old value 0.25
    assert len(set(fresh.flatten().tolist())) == 3  # drawn independently


def test_exploration_noise_is_scaled_per_env_and_by_the_half_range() -> None:
    action = torch.tensor([[0.0, 0.0], [0.9, 1.5]])
    noise = torch.tensor([[1.0, 1.0], [1.0, 1.0]])
    scales = torch.tensor([[0.1], [0.4]])
    explored = explore(action, noise, scales, scale=SCALE, low=LOW, high=HIGH)
    # env 0: +0.1*1, +0.1*2; env 1: 0.9+0.4 -> 1.0 (bound), 1.5+0.8 -> 2.0 (bound)
    torch.testing.assert_close(explored, torch.tensor([[0.1, 0.2], [1.0, 2.0]]))
