"""Rewards, success, falling and auto-reset, checked against hand-computed values."""

from __future__ import annotations

import math

import torch

from embodichain_rl.envs.push_cube import PushCubeEnv


def ee_env(n: int = 1, **kw: object) -> PushCubeEnv:
    env = PushCubeEnv(num_envs=n, control_mode="ee_delta_pos", **kw)
    env.reset(seed=0)
    return env


def place(env: PushCubeEnv, *, cube: list[float], goal: list[float], tcp: list[float]) -> None:
    n = env.num_envs
    env.cube = torch.tensor([cube] * n)
    env.goal = torch.tensor([goal] * n)
    env.tcp = torch.tensor([tcp] * n)
    env.cube_vel = torch.zeros(n, 3)
    env.prev_distance = (env.cube[:, :2] - env.goal).norm(dim=-1)


def test_idle_step_rewards_by_hand() -> None:
    env = ee_env()
    place(env, cube=[0.6, 0.0, 0.0], goal=[0.8, 0.0], tcp=[0.5, 0.0, 0.05])
    _, reward, terminated, truncated, info = env.step(torch.zeros(1, 3))
    # Push point: 3 cm behind the cube (h + r) at mid-height (0.57, 0, 0.02).
    expected_reach = 0.1 * (1 - math.tanh(5 * math.hypot(0.07, 0.03)))
    assert math.isclose(float(info["rewards"]["reaching"]), expected_reach, rel_tol=1e-5)
    for key in ("place", "place_penalty", "action_penalty", "success"):
        assert float(info["rewards"][key]) == 0.0
    assert math.isclose(float(reward), expected_reach, rel_tol=1e-5)
    assert not terminated and not truncated
    assert math.isclose(float(info["metrics"]["distance_to_goal"]), 0.2, rel_tol=1e-5)
    assert math.isclose(float(info["metrics"]["tcp_to_cube"]), math.hypot(0.1, 0.03), rel_tol=1e-5)


def test_pushing_toward_the_goal_earns_place_and_pays_action_penalty() -> None:
    env = ee_env()
    place(env, cube=[0.6, 0.0, 0.0], goal=[0.8, 0.0], tcp=[0.57, 0.0, 0.02])
    _, _, _, _, info = env.step(torch.tensor([[1.0, 0.0, 0.0]]))
    moved = float(env.cube[0, 0]) - 0.6
    assert 0.015 < moved < 0.025  # pushed by about the 2 cm TCP step
    assert math.isclose(float(info["rewards"]["place"]), 2.0 * math.tanh(10 * moved), rel_tol=1e-3)
    assert float(info["rewards"]["place_penalty"]) == 0.0
    assert math.isclose(float(info["rewards"]["action_penalty"]), -0.01 * 0.02, rel_tol=1e-5)


def test_pushing_away_from_the_goal_is_penalised() -> None:
    env = ee_env()
    place(env, cube=[0.6, 0.0, 0.0], goal=[0.8, 0.0], tcp=[0.63, 0.0, 0.02])
    _, _, _, _, info = env.step(torch.tensor([[-1.0, 0.0, 0.0]]))
    moved = 0.6 - float(env.cube[0, 0])
    assert moved > 0.01
    assert math.isclose(
        float(info["rewards"]["place_penalty"]), -0.5 * math.tanh(10 * moved), rel_tol=1e-3
    )
    assert float(info["rewards"]["place"]) == 0.0


def test_success_terminates_with_bonus_and_resets_that_env_only() -> None:
    env = ee_env(2)
    place(env, cube=[0.6, 0.0, 0.0], goal=[0.8, 0.0], tcp=[0.5, 0.0, 0.05])
    env.cube[1] = torch.tensor([0.75, 0.0, 0.0])  # env 1 already 5 cm from the goal
    obs, _, terminated, truncated, info = env.step(torch.zeros(2, 3))
    assert terminated.tolist() == [False, True] and not truncated.any()
    assert info["metrics"]["success"].tolist() == [False, True]
    assert float(info["rewards"]["success"][1]) == 10.0
    cube = env.layout.slices["cube_xy"]
    torch.testing.assert_close(info["final_obs"][1, cube], torch.tensor([0.75, 0.0]))
    assert not torch.allclose(obs[1, cube], torch.tensor([0.75, 0.0]))
    torch.testing.assert_close(obs[0], info["final_obs"][0])
    assert env.episode_counters.tolist() == [0, 1]


def test_success_without_termination_when_disabled() -> None:
    env = ee_env(terminate_on_success=False)
    place(env, cube=[0.75, 0.0, 0.0], goal=[0.8, 0.0], tcp=[0.5, 0.0, 0.05])
    _, _, terminated, _, info = env.step(torch.zeros(1, 3))
    assert info["metrics"]["success"].all() and not terminated.any()


def test_cube_leaving_the_table_is_a_failure() -> None:
    env = ee_env(table_x_range=(-0.3, 0.62))
    place(env, cube=[0.6, 0.0, 0.0], goal=[0.3, 0.3], tcp=[0.57, 0.0, 0.02])
    fell = False
    for _ in range(3):
        _, _, terminated, _, info = env.step(torch.tensor([[1.0, 0.0, 0.0]]))
        if bool(info["metrics"]["fell"]):
            fell = True
            assert terminated.all() and not info["metrics"]["success"].any()
            break
    assert fell


def test_joint_mode_keeps_the_tcp_on_the_fk_above_the_table_and_in_range() -> None:
    from embodichain_rl.envs.push_cube.kinematics import tcp_position

    env = PushCubeEnv(
        num_envs=64,
        joint_lower=(-6.3, -6.3, -3.2, -6.3, -6.3, -0.3),
        joint_upper=(6.3, 6.3, 3.2, 6.3, 6.3, 0.3),
    )
    env.reset(seed=5)
    gen = torch.Generator().manual_seed(0)
    low_seen = torch.zeros(64, dtype=torch.bool)
    for _ in range(40):
        action = torch.rand(64, 6, generator=gen) * 2 - 1
        action[:, 5] = 1.0  # drive joint 6 into its limit
        env.step(action)
        assert (env.tcp[:, 2] >= env.cfg.tcp_radius - 1e-5).all()
        torch.testing.assert_close(env.tcp, tcp_position(env.qpos, env.cfg.tool_offset))
        assert (env.qpos[:, 5] <= 0.3 + 1e-6).all()
        low_seen |= env.tcp[:, 2] < 0.02
    assert low_seen.any()  # random motion does reach the table; the constraint was exercised


def test_ee_mode_tcp_stays_in_the_workspace_box() -> None:
    env = PushCubeEnv(num_envs=8, control_mode="ee_delta_pos")
    env.reset(seed=0)
    for _ in range(30):
        env.step(torch.tensor([[0.0, 0.0, -1.0]] * 4 + [[0.0, 1.0, 1.0]] * 4))
    assert torch.allclose(env.tcp[:4, 2], torch.full((4,), 0.01))
    assert (env.tcp[4:, 2] <= 0.4 + 1e-6).all() and (env.tcp[4:, 1] <= 0.6 + 1e-6).all()
