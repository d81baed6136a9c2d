"""The batched-env contract, shared by PushCube on our torch mechanics (``PushCubeRL``) and on
MuJoCo (``PushCubeMuJoCo``, both backends): shapes, dtypes, devices, spaces, final_obs,
seeding, batch independence and state round trips."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable

import pytest
import torch

from embodichain_rl.envs import EmbodiedEnv, make_env

WARP = importlib.util.find_spec("mujoco_warp") is not None
# (env id, overrides): PushCube on every engine it runs on. Warp's CPU device runs the same
# kernels as CUDA; the first build compiles them (about a minute, then cached on disk).
ENGINES = [
    pytest.param(("PushCubeRL", {}), id="torch"),
    pytest.param(("PushCubeMuJoCo", {"backend": "mujoco"}), id="mujoco"),
    pytest.param(
        ("PushCubeMuJoCo", {"backend": "mujoco_warp"}),
        id="mujoco_warp",
        marks=pytest.mark.skipif(not WARP, reason="mujoco_warp needs Python >= 3.11 (its wheel)"),
    ),
]
MODES = {"joint_delta_pos": (29, 6), "ee_delta_pos": (17, 3)}

Factory = Callable[..., EmbodiedEnv]


@pytest.fixture(params=ENGINES)
def make(request: pytest.FixtureRequest) -> Factory:
    env_id, engine = request.param

    def build(**kwargs: object) -> EmbodiedEnv:
        return make_env(env_id, **engine, **kwargs)

    return build


def _random_actions(steps: int, num_envs: int, dim: int, seed: int) -> torch.Tensor:
    gen = torch.Generator().manual_seed(seed)
    return torch.rand(steps, num_envs, dim, generator=gen) * 2.0 - 1.0


@pytest.mark.parametrize("mode", list(MODES))
def test_spaces_shapes_dtypes_and_info_keys(make: Factory, mode: str) -> None:
    obs_dim, act_dim = MODES[mode]
    env = make(num_envs=3, control_mode=mode)
    assert env.single_observation_space.shape == (obs_dim,)
    assert env.single_action_space.shape == (act_dim,)
    assert (env.single_action_space.low == -1).all() and (env.single_action_space.high == 1).all()
    assert env.observation_space.shape == (3, obs_dim)
    obs, info = env.reset(seed=0)
    assert obs.shape == (3, obs_dim) and obs.dtype == torch.float32
    assert obs.device == torch.device("cpu") and isinstance(info, dict)
    obs, reward, terminated, truncated, info = env.step(torch.zeros(3, act_dim))
    assert obs.shape == (3, obs_dim) and obs.dtype == torch.float32
    assert reward.shape == (3,) and reward.dtype == torch.float32
    assert terminated.dtype == torch.bool and truncated.dtype == torch.bool
    assert info["final_obs"].shape == (3, obs_dim)
    assert set(info["rewards"]) == {
        "reaching",
        "place",
        "place_penalty",
        "action_penalty",
        "success",
    }
    for key in ("success", "fell", "distance_to_goal", "tcp_to_cube", "cube_speed"):
        assert info["metrics"][key].shape == (3,)
    assert info["metrics"]["success"].dtype == torch.bool
    torch.testing.assert_close(torch.stack(list(info["rewards"].values())).sum(0), reward)
    env.close()


def test_time_limit_truncates_and_final_obs_keeps_the_ended_episode(make: Factory) -> None:
    env = make(num_envs=4, max_episode_steps=3, control_mode="ee_delta_pos")
    obs, _ = env.reset(seed=1)
    zero = torch.zeros(4, 3)
    for _ in range(2):
        obs, _, terminated, truncated, info = env.step(zero)
        assert not (terminated | truncated).any()
        torch.testing.assert_close(info["final_obs"], obs)
    obs, _, terminated, truncated, info = env.step(zero)
    assert truncated.all() and not terminated.any()
    cube = env.layout.slices["cube_xy"]
    assert not torch.allclose(obs[:, cube], info["final_obs"][:, cube])
    assert torch.equal(env.elapsed, torch.zeros(4, dtype=torch.int64))
    assert torch.equal(env.episode_counters, torch.ones(4, dtype=torch.int64))
    env.close()


def test_a_seed_reproduces_the_episode_and_another_seed_does_not(make: Factory) -> None:
    actions = _random_actions(6, 2, 6, seed=3)

    def rollout(seed: int) -> torch.Tensor:
        env = make(num_envs=2)
        obs, _ = env.reset(seed=seed)
        frames = [obs]
        for action in actions:
            frames.append(env.step(action)[0])
        env.close()
        return torch.stack(frames)

    first = rollout(7)
    torch.testing.assert_close(rollout(7), first, rtol=0, atol=0)
    assert not torch.allclose(rollout(8)[0], first[0])


def test_env_i_does_not_depend_on_the_batch(make: Factory) -> None:
    """Env 1 of a 2-env batch and env 1 of a 5-env batch see the same start and, under the
    same actions, the same trajectory."""
    actions = _random_actions(8, 5, 6, seed=11)
    small, large = make(num_envs=2), make(num_envs=5)
    obs_small, _ = small.reset(seed=5)
    obs_large, _ = large.reset(seed=5)
    torch.testing.assert_close(obs_small[1], obs_large[1], rtol=0, atol=0)
    for action in actions:
        obs_small = small.step(action[:2])[0]
        obs_large = large.step(action)[0]
    torch.testing.assert_close(obs_small[1], obs_large[1], rtol=1e-5, atol=1e-5)
    small.close()
    large.close()


def test_state_dict_round_trip_continues_the_same_trajectory(make: Factory) -> None:
    actions = _random_actions(4, 3, 6, seed=2)
    env = make(num_envs=3)
    env.reset(seed=9)
    env.step(actions[0])
    saved = env.state_dict()
    expected = [env.step(action)[0] for action in actions[1:]]
    other = make(num_envs=3)
    other.reset(seed=123)
    other.load_state_dict(saved)
    for action, want in zip(actions[1:], expected, strict=True):
        torch.testing.assert_close(other.step(action)[0], want, rtol=0, atol=0)
    env.close()
    other.close()


def test_every_engine_starts_the_same_episodes() -> None:
    """Resets are shared code: one seed gives the same cube, goal and arm on every engine."""
    torch_obs, _ = make_env("PushCubeRL", num_envs=6).reset(seed=4)
    mujoco_obs, _ = make_env("PushCubeMuJoCo", num_envs=6).reset(seed=4)
    torch.testing.assert_close(mujoco_obs, torch_obs, rtol=0, atol=1e-5)
