"""CartPoleRL episodes: observation normalisation, reward terms by hand, falls and the rail
terminate, the time limit truncates, success only at the final step, auto-reset with
``final_obs``, per-env seeding independent of ``num_envs``, exact state restore, render."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from embodichain_rl.envs import CartPoleEnv, make_env
from embodichain_rl.envs.cart_pole.config import CartPoleConfig
from embodichain_rl.envs.cart_pole.task import observe, reward_terms


def zeros(env: CartPoleEnv) -> torch.Tensor:
    return torch.zeros(env.num_envs, 1)


def place(env: CartPoleEnv, qpos: list[list[float]], qvel: list[list[float]]) -> None:
    env.qpos = torch.tensor(qpos)
    env.qvel = torch.tensor(qvel)


def test_registered_with_embodichain_limits_and_spaces() -> None:
    env = make_env("CartPoleRL", num_envs=3)
    assert isinstance(env, CartPoleEnv) and env.max_episode_steps == 500
    assert env.single_action_space.shape == (1,)
    assert env.single_action_space.low[0] == -1.0 and env.single_action_space.high[0] == 1.0
    assert env.single_observation_space.shape == (4,)
    obs, _ = env.reset(seed=0)
    assert obs.shape == (3, 4) and obs.dtype == torch.float32


def test_observation_normalises_joint_positions_over_their_limits() -> None:
    cfg = CartPoleConfig()
    qpos = torch.tensor([[1.2, math.pi / 2], [-2.4, 0.0]])
    qvel = torch.tensor([[0.3, -1.5], [0.0, 2.0]])
    # Slider over (-2.4, 2.4), pole over (-pi, pi): 1.2 -> 0.75, pi/2 -> 0.75, 0 -> 0.5.
    expected = torch.tensor([[0.75, 0.75, 0.3, -1.5], [0.0, 0.5, 0.0, 2.0]])
    torch.testing.assert_close(observe(qpos, qvel, cfg), expected)


def test_reward_terms_by_hand() -> None:
    cfg = CartPoleConfig()
    qpos = torch.tensor([[0.0, -math.pi / 4], [0.5, 0.0]])
    qvel = torch.tensor([[0.0, -2.0], [1.0, 0.0]])
    terms = reward_terms(qpos, qvel, cfg)
    # upright = 1 - |theta| / pi; velocity_penalty = -0.005 |theta'|.
    torch.testing.assert_close(terms["upright"], torch.tensor([0.75, 1.0]))
    torch.testing.assert_close(terms["velocity_penalty"], torch.tensor([-0.01, 0.0]))


def test_step_reward_is_the_sum_of_its_terms_on_the_post_step_state() -> None:
    env = CartPoleEnv(num_envs=2, upright_weight=2.0, velocity_penalty_weight=0.1)
    env.reset(seed=0)
    place(env, [[0.0, 0.0], [0.0, 0.3]], [[0.0, 0.0], [0.0, 0.0]])
    _, reward, _, _, info = env.step(zeros(env))
    # Env 0 sits exactly upright at rest (an equilibrium): 2 * 1 - 0.1 * 0.
    assert reward[0].item() == pytest.approx(2.0, abs=1e-6)
    theta = (info["final_obs"][1, 1].item() - 0.5) * 2 * math.pi
    assert theta > 0.3  # the tilted pole fell further
    expected = 2.0 * (1 - theta / math.pi) - 0.1 * abs(info["final_obs"][1, 3].item())
    assert reward[1].item() == pytest.approx(expected, rel=1e-5)
    total = info["rewards"]["upright"] + info["rewards"]["velocity_penalty"]
    torch.testing.assert_close(total, reward)


def test_pushing_moves_the_cart_toward_the_action() -> None:
    env = CartPoleEnv(num_envs=2)
    env.reset(seed=0)
    place(env, [[0.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 0.0]])  # upright, at rest
    obs, *_ = env.step(torch.tensor([[1.0], [-1.0]]))
    # The slider target moves 0.1 m each way (10 N/m: 1 N at first); the cart follows and
    # the pole, left behind, tilts the other way.
    assert obs[0, 2] > 0 > obs[1, 2]
    assert obs[0, 0] > 0.5 > obs[1, 0]
    assert obs[0, 1] < 0.5 < obs[1, 1]
    torch.testing.assert_close(
        obs[0], obs[1] * torch.tensor([-1, -1, -1, -1]) + torch.tensor([1, 1, 0, 0])
    )


def test_falls_and_rail_ends_terminate_with_final_obs_and_reset() -> None:
    env = CartPoleEnv(num_envs=3)
    env.reset(seed=1)
    place(env, [[0.0, 1.6], [2.45, 0.0], [0.0, 0.0]], [[0.0, 1.0], [0.5, 0.0], [0.0, 0.0]])
    obs, _, terminated, truncated, info = env.step(zeros(env))
    assert terminated.tolist() == [True, True, False] and not truncated.any()
    assert info["metrics"]["fell"].tolist() == [True, False, False]
    assert info["metrics"]["off_rail"].tolist() == [False, True, False]
    # final_obs holds the fallen states; obs the fresh starts (pole within the start noise).
    assert info["final_obs"][0, 1] > 0.75 and info["final_obs"][1, 0] > 1.0
    start_angle = (obs[:2, 1] - 0.5) * 2 * math.pi
    assert ((start_angle - 0.07).abs() <= 0.05 + 1e-6).all()
    torch.testing.assert_close(info["final_obs"][2], obs[2])
    assert env.elapsed.tolist() == [0, 0, 1]
    assert env.episode_counters.tolist() == [1, 1, 0]


def test_time_limit_truncates_and_success_is_judged_at_the_final_step() -> None:
    env = CartPoleEnv(num_envs=2, max_episode_steps=3)
    env.reset(seed=2)
    place(env, [[0.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 0.3]])
    for _ in range(2):
        _, _, terminated, truncated, info = env.step(zeros(env))
        assert not (terminated.any() or truncated.any() or info["metrics"]["success"].any())
    _, _, terminated, truncated, info = env.step(zeros(env))
    assert truncated.tolist() == [True, True] and not terminated.any()
    # Env 0 is balanced (upright, at rest); env 1's pole still swings faster than 0.05 rad/s.
    assert info["metrics"]["success"].tolist() == [True, False]
    assert info["metrics"]["elapsed_steps"].tolist() == [3, 3]
    assert env.elapsed.tolist() == [0, 0]


def test_a_fall_on_the_final_step_is_terminated_not_truncated() -> None:
    env = CartPoleEnv(num_envs=1, max_episode_steps=1)
    env.reset(seed=0)
    place(env, [[0.0, 1.6]], [[0.0, 0.0]])
    _, _, terminated, truncated, info = env.step(zeros(env))
    assert terminated.tolist() == [True] and truncated.tolist() == [False]
    assert info["metrics"]["success"].tolist() == [False]


def rollout(env: CartPoleEnv, actions: torch.Tensor, seed: int) -> torch.Tensor:
    obs, _ = env.reset(seed=seed)
    observations = [obs]
    for t in range(actions.shape[0]):
        obs, *_ = env.step(actions[t])
        observations.append(obs)
    return torch.stack(observations)


def test_episodes_depend_on_the_seed_and_env_index_only() -> None:
    gen = torch.Generator().manual_seed(0)
    actions = torch.rand(60, 5, 1, generator=gen) * 2 - 1  # 60 steps: auto-resets included
    obs5 = rollout(CartPoleEnv(num_envs=5, max_episode_steps=20), actions, seed=7)
    obs2 = rollout(CartPoleEnv(num_envs=2, max_episode_steps=20), actions[:, :2], seed=7)
    assert torch.equal(obs5[:, :2], obs2)
    again = rollout(CartPoleEnv(num_envs=5, max_episode_steps=20), actions, seed=7)
    assert torch.equal(obs5, again)
    other = rollout(CartPoleEnv(num_envs=5, max_episode_steps=20), actions, seed=8)
    assert not torch.allclose(obs5[0], other[0])


def test_starts_cover_the_configured_noise_box() -> None:
    env = CartPoleEnv(num_envs=4096)
    env.reset(seed=0)
    offsets = torch.cat((env.qpos - torch.tensor([-0.2, 0.07]), env.qvel), dim=-1)
    half = torch.tensor([0.1, 0.05, 0.05, 0.05])
    assert (offsets.abs() <= half + 1e-6).all()
    assert (offsets.abs().amax(0) > 0.95 * half).all()  # uniform: reaches near the edges
    assert offsets.mean(0).abs().max() < 0.01
    first = env.qpos.clone()
    env.reset()  # the next episode of every env, not a repeat
    assert not torch.allclose(env.qpos, first)


def test_start_groups_share_episodes_within_a_group_only() -> None:
    env = CartPoleEnv(num_envs=6, max_episode_steps=5)
    plain = CartPoleEnv(num_envs=6, max_episode_steps=5)
    env.reset(seed=4, options={"start_group_size": 3})
    plain.reset(seed=4)
    # Group k draws env k's starts: envs 0-2 start as plain env 0, envs 3-5 as plain env 1.
    for env_index, plain_index in enumerate([0, 0, 0, 1, 1, 1]):
        torch.testing.assert_close(env.qpos[env_index], plain.qpos[plain_index])
    assert not torch.allclose(env.qpos[0], env.qpos[3])
    # Auto-resets keep the grouping: after an episode, every env of a group restarts alike.
    for _ in range(5):
        obs, *_ = env.step(torch.linspace(-1, 1, 6)[:, None])
    assert torch.equal(obs[0], obs[2]) and torch.equal(obs[3], obs[5])
    assert not torch.equal(obs[0], obs[3])
    with pytest.raises(ValueError, match="positive divisor of num_envs=6"):
        env.reset(options={"start_group_size": 4})


def test_state_dict_continues_exactly() -> None:
    gen = torch.Generator().manual_seed(1)
    actions = torch.rand(40, 3, 1, generator=gen) * 2 - 1
    env = CartPoleEnv(num_envs=3, max_episode_steps=15)
    env.reset(seed=3)
    for t in range(10):
        env.step(actions[t])
    saved = env.state_dict()
    expected = [env.step(actions[t])[0] for t in range(10, 40)]
    restored = CartPoleEnv(num_envs=3, max_episode_steps=15)
    restored.load_state_dict(saved)
    for t in range(10, 40):
        assert torch.equal(restored.step(actions[t])[0], expected[t - 10])
    with pytest.raises(ValueError, match="qpos: saved shape"):
        CartPoleEnv(num_envs=2).load_state_dict(saved)


def test_render_draws_the_cart_and_pole() -> None:
    env = CartPoleEnv(num_envs=2)
    env.reset(seed=0)
    frame = env.render(1)
    assert frame.shape == (240, 240, 3) and frame.dtype == np.uint8
    colours = {tuple(c) for c in frame.reshape(-1, 3)[::7]}
    assert (50, 110, 230) in colours and (220, 170, 60) in colours  # cart and upright pole


def test_bad_config_names_the_field() -> None:
    with pytest.raises(ValueError, match="cart_mass must be > 0"):
        CartPoleEnv(cart_mass=0.0)
    with pytest.raises(ValueError, match="slider_limits must be"):
        CartPoleEnv(slider_limits=(1.0, -1.0))
    with pytest.raises(TypeError, match="valid keys"):
        CartPoleEnv(pole_lenght=1.0)
