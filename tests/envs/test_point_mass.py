"""PointMassRL: dynamics and reward against hand-computed values, episodes, seeding, state,
Gymnasium's env checker."""

from __future__ import annotations

import math
import warnings

import gymnasium as gym
import pytest
import torch
from gymnasium.utils.env_checker import check_env

from embodichain_rl.envs import PointMassConfig, PointMassEnv, make_env
from embodichain_rl.envs.point_mass.dynamics import integrate, penetration, reward_terms

CFG = PointMassConfig()
BENIGN_WARNINGS = ("infinity", "different from the unwrapped version")


def test_integrate_matches_hand_computed_semi_implicit_euler() -> None:
    # damping 1 - 5/60 = 11/12; force per step 5 * 1/60 = 1/12; dt = 1/60.
    position = torch.tensor([[0.3, 0.4]])
    velocity = torch.tensor([[0.1, -0.2]])
    action = torch.tensor([[1.0, -0.5]])
    new_position, new_velocity = integrate(position, velocity, action, CFG)
    v = (0.1 * 11 / 12 + 1 / 12, -0.2 * 11 / 12 - 0.5 / 12)  # (0.175, -0.225)
    torch.testing.assert_close(new_velocity, torch.tensor([v]))
    torch.testing.assert_close(new_position, torch.tensor([[0.3 + v[0] / 60, 0.4 + v[1] / 60]]))


def test_the_wall_clamps_the_position_and_passes_no_gradient() -> None:
    position = torch.tensor([[0.999, 0.0]])
    velocity = torch.tensor([[1.0, 0.0]])
    action = torch.tensor([[1.0, 0.0]], requires_grad=True)
    new_position, new_velocity = integrate(position, velocity, action, CFG)
    assert new_position[0, 0].item() == 1.0
    assert new_velocity[0, 0].item() == pytest.approx(11 / 12 + 1 / 12)
    new_position[0, 0].backward()
    assert action.grad is not None and action.grad[0, 0].item() == 0.0


def test_reward_terms_match_hand_computed_values() -> None:
    position = torch.tensor([[0.03, 0.04]])  # 0.05 from the goal at the origin
    obstacles = torch.tensor([[[0.1, 0.04], [0.9, 0.9]]])  # 0.07 from the first centre
    depth = penetration(position, obstacles, torch.tensor([[0.1, 0.1]]))
    torch.testing.assert_close(depth, torch.tensor([[0.03, 0.0]]))
    terms = reward_terms(
        position=position,
        velocity=torch.tensor([[0.3, 0.4]]),
        action=torch.tensor([[1.0, 0.0]]),
        last_action=torch.tensor([[0.0, 1.0]]),
        goal=torch.zeros(1, 2),
        depth=depth,
        success=torch.tensor([True]),
        cfg=CFG.replace(success_bonus=5.0),
    )
    expected = {
        "distance": -0.05,
        "proximity": 0.5 * math.exp(-(0.05**2) / (2 * 0.05**2)),
        "collision": -2.0 * 0.03**2,
        "velocity": -0.01 * 0.25,
        "action_rate": -0.001 * 2.0,
        "success": 5.0,
    }
    assert terms.keys() == expected.keys()
    for name, value in expected.items():
        assert terms[name].item() == pytest.approx(value, abs=1e-6), name


def _place(env: PointMassEnv, position: list[float], goal: list[float]) -> None:
    env.position = torch.tensor([position])
    env.goal = torch.tensor([goal])
    env.obstacles = torch.tensor([[[0.9, -0.9], [-0.9, 0.9]]])
    env.radii = torch.tensor([[0.1, 0.1]])


def test_step_reward_and_observation_are_the_hand_computed_ones() -> None:
    env = PointMassEnv(num_envs=1)
    env.reset(seed=0)
    _place(env, [0.3, 0.4], [0.0, 0.0])
    obs, reward, terminated, truncated, info = env.step(torch.tensor([[1.0, -0.5]]))
    p = (0.3 + (1 / 12) / 60, 0.4 - (0.5 / 12) / 60)
    v = (1 / 12, -0.5 / 12)
    d = math.hypot(*p)
    expected = (
        -d
        + 0.5 * math.exp(-(d**2) / (2 * 0.05**2))
        - 0.01 * (v[0] ** 2 + v[1] ** 2)
        - 0.001 * (1.0 + 0.25)
    )
    assert reward.item() == pytest.approx(expected, abs=1e-6)
    assert sum(term.item() for term in info["rewards"].values()) == pytest.approx(reward.item())
    torch.testing.assert_close(
        obs[0, :8], torch.tensor([p[0], p[1], v[0], v[1], 0.0, 0.0, 1.0, -0.5])
    )
    torch.testing.assert_close(obs[0, 8:], torch.tensor([0.9, -0.9, -0.9, 0.9, 0.1, 0.1]))
    assert not terminated.item() and not truncated.item()
    assert info["metrics"]["distance_to_goal"].item() == pytest.approx(d, abs=1e-6)


def test_success_terminates_pays_the_bonus_and_auto_resets() -> None:
    env = PointMassEnv(num_envs=1, success_bonus=5.0)
    env.reset(seed=0)
    _place(env, [0.01, 0.0], [0.0, 0.0])
    obs, _, terminated, truncated, info = env.step(torch.zeros(1, 2))
    assert terminated.item() and not truncated.item()
    assert info["metrics"]["success"].item()
    assert info["rewards"]["success"].item() == 5.0
    torch.testing.assert_close(info["final_obs"][0, :2], torch.tensor([0.01, 0.0]))
    assert not torch.equal(obs[0, 4:6], torch.zeros(2))  # a new goal
    assert env.elapsed.item() == 0


def test_truncates_exactly_at_the_limit_and_never_together_with_termination() -> None:
    env = make_env("PointMassRL", num_envs=16, max_episode_steps=7)
    env.reset(seed=3)
    truncations = torch.zeros(16, dtype=torch.int64)
    for step in range(21):
        _, _, terminated, truncated, _ = env.step(torch.zeros(16, 2))
        assert not (terminated & truncated).any()
        truncations += truncated.long()
        if step == 6:
            assert truncated.all()  # zero force from random starts never reaches a goal
    assert truncations.tolist() == [3] * 16


def test_seeded_episodes_do_not_depend_on_num_envs_and_differ_between_seeds() -> None:
    small, large = PointMassEnv(num_envs=3), PointMassEnv(num_envs=9)
    obs_small, _ = small.reset(seed=11)
    obs_large, _ = large.reset(seed=11)
    torch.testing.assert_close(obs_small, obs_large[:3])
    again, _ = PointMassEnv(num_envs=3).reset(seed=11)
    assert torch.equal(again, obs_small)
    other, _ = small.reset(seed=12)
    assert not torch.allclose(other, obs_small)
    assert len({tuple(row.tolist()) for row in obs_large}) == 9


def test_starts_respect_the_configured_ranges() -> None:
    env = PointMassEnv(num_envs=512)
    obs, _ = env.reset(seed=5)
    assert obs[:, 0:2].abs().max() <= 0.6 and obs[:, 4:6].abs().max() <= 0.7
    assert obs[:, 2:4].eq(0).all() and obs[:, 6:8].eq(0).all()
    radii = obs[:, 12:14]
    assert radii.min() >= 0.08 and radii.max() <= 0.15
    centres = obs[:, 8:12].view(-1, 2, 2)
    goal_gap = (centres - obs[:, None, 4:6]).norm(dim=-1)
    fallback = torch.isclose(centres, -0.5 * obs[:, None, 4:6]).all(dim=-1)
    assert ((goal_gap > 0.25) | fallback).all()
    assert centres.abs().max() <= 0.8


def test_state_dict_continues_the_episodes_exactly() -> None:
    env = PointMassEnv(num_envs=4, max_episode_steps=5)
    env.reset(seed=2)
    actions = torch.rand(12, 4, 2, generator=torch.Generator().manual_seed(0)) * 2 - 1
    for action in actions[:4]:
        env.step(action)
    state = env.state_dict()
    expected = [env.step(action)[0] for action in actions[4:]]
    copy = PointMassEnv(num_envs=4, max_episode_steps=5)
    copy.load_state_dict(state)
    for action, obs in zip(actions[4:], expected, strict=True):
        assert torch.equal(copy.step(action)[0], obs)
    with pytest.raises(ValueError, match="position"):
        PointMassEnv(num_envs=2).load_state_dict(state)


def test_bad_config_names_the_field() -> None:
    with pytest.raises(ValueError, match="success_threshold must be > 0"):
        PointMassEnv(num_envs=1, success_threshold=0.0)
    with pytest.raises(TypeError, match="succes_threshold"):
        PointMassEnv(num_envs=1, succes_threshold=0.1)


@pytest.mark.parametrize("wrapped", [True, False])
def test_gymnasium_env_checker_passes(wrapped: bool) -> None:
    env = gym.make("PointMassRL")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(env if wrapped else env.unwrapped)
    messages = [str(w.message) for w in caught]
    assert [m for m in messages if not any(b in m for b in BENIGN_WARNINGS)] == []
    assert gym.spec("PointMassRL").max_episode_steps == 100
    frame = env.unwrapped._env.render()
    assert frame.shape == (128, 128, 3) and frame.dtype.name == "uint8"
