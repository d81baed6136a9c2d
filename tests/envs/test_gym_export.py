"""Registered envs through Gymnasium: ``gymnasium.make`` / ``make_vec`` and their conventions."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import gymnasium as gym
import numpy as np
import pytest
import torch
from gymnasium.utils.env_checker import check_env
from gymnasium.vector import AutoresetMode

import embodichain_rl.envs.push_cube as push_cube
from embodichain_rl.envs import registry
from embodichain_rl.envs.base import EmbodiedEnv, StepResult
from embodichain_rl.envs.gym_export import SingleGymEnv, VectorGymEnv, make_single_gym_env
from embodichain_rl.envs.registry import register_env

REACH_ID = "TestReach2D"
REACH_LIMIT = 6
STEP_SIZE = 0.1
# check_env advice that is about a space's design, not about the bridge's API behaviour.
BENIGN_WARNINGS = ("infinity", "different from the unwrapped version")


class Reach2D(EmbodiedEnv):
    """Points start at radius 0.5-1 and move by ``STEP_SIZE * action``; reaching radius 0.1
    terminates with success; episodes truncate at ``max_episode_steps``."""

    def __init__(
        self, *, num_envs: int = 1, device: str | torch.device = "cpu", max_episode_steps: int = 50
    ) -> None:
        self.num_envs = num_envs
        self.device = torch.device(device)
        self.max_episode_steps = max_episode_steps
        self.single_observation_space = gym.spaces.Box(-2.0, 2.0, (2,), np.float32)
        self.single_action_space = gym.spaces.Box(-1.0, 1.0, (2,), np.float32)
        self._generator = torch.Generator(device=self.device)
        self._pos = torch.zeros(num_envs, 2, device=self.device)
        self._steps = torch.zeros(num_envs, dtype=torch.long, device=self.device)

    def _sample(self) -> torch.Tensor:
        u = torch.rand(self.num_envs, 2, generator=self._generator, device=self.device)
        angle, radius = u[:, 0] * 2 * torch.pi, 0.5 + 0.5 * u[:, 1]
        return torch.stack((radius * angle.cos(), radius * angle.sin()), -1)

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[torch.Tensor, dict[str, Any]]:
        if seed is not None:
            self._generator.manual_seed(seed)
        self._pos = self._sample()
        self._steps.zero_()
        return self._pos.clone(), {}

    def step(self, action: torch.Tensor) -> StepResult:
        self._pos = (self._pos + STEP_SIZE * action.clamp(-1.0, 1.0)).clamp(-2.0, 2.0)
        self._steps += 1
        distance = self._pos.norm(dim=-1)
        terminated = distance < 0.1
        truncated = self._steps >= self.max_episode_steps
        final_obs = self._pos.clone()
        done = (terminated | truncated)[:, None]
        self._pos = torch.where(done, self._sample(), self._pos)
        self._steps = torch.where(done[:, 0], torch.zeros_like(self._steps), self._steps)
        info = {
            "final_obs": final_obs,
            "rewards": {"distance": -distance},
            "metrics": {"success": terminated, "distance": distance},
        }
        return self._pos.clone(), -distance, terminated, truncated, info

    def render(self) -> np.ndarray:
        frame = np.zeros((16, 16, 3), dtype=np.uint8)
        col, row = ((self._pos[0].cpu().numpy() + 2.0) / 4.0 * 15).astype(int)
        frame[row, col] = 255
        return frame


@pytest.fixture(scope="module", autouse=True)
def reach_id() -> Iterator[str]:
    register_env(REACH_ID, max_episode_steps=REACH_LIMIT)(Reach2D)
    yield REACH_ID
    registry._REGISTRY.pop(REACH_ID, None)
    gym.registry.pop(REACH_ID, None)


def _check_env_warnings(env: gym.Env[Any, Any]) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(env)
    messages = [str(w.message) for w in caught]
    return [m for m in messages if not any(benign in m for benign in BENIGN_WARNINGS)]


# ------------------------------------------------------------------------ single env
@pytest.mark.parametrize("env_id", [REACH_ID, "PushCubeRL"])
@pytest.mark.parametrize("wrapped", [False, True], ids=["unwrapped", "wrapped"])
def test_check_env_passes_without_warnings_that_matter(env_id: str, wrapped: bool) -> None:
    env = gym.make(env_id)

    assert _check_env_warnings(env if wrapped else env.unwrapped) == []
    env.close()


def test_single_env_returns_numpy_and_python_scalars() -> None:
    env = gym.make(REACH_ID)
    obs, _ = env.reset(seed=0)
    step_obs, reward, terminated, truncated, info = env.step(np.zeros(2, dtype=np.float32))

    assert isinstance(env.unwrapped, SingleGymEnv)
    assert obs.dtype == np.float32 and obs.shape == (2,)
    np.testing.assert_allclose(step_obs, obs)
    assert type(reward) is float and reward == pytest.approx(-float(np.linalg.norm(obs)))
    assert type(terminated) is bool and type(truncated) is bool
    assert info["is_success"] is False
    assert info["rewards"]["distance"] == pytest.approx(reward)


def test_single_env_returns_the_final_observation_then_resets_on_request() -> None:
    env = make_single_gym_env(REACH_ID, max_episode_steps=20)
    obs, _ = env.reset(seed=3)
    direction = (-obs / np.linalg.norm(obs)).astype(np.float32)
    expected_last = obs.astype(np.float64)

    for _ in range(20):
        last_obs, _, terminated, truncated, info = env.step(direction)
        expected_last = expected_last + STEP_SIZE * direction
        if np.linalg.norm(expected_last) < 0.1:
            break
        assert not terminated

    assert terminated is True and truncated is False and info["is_success"] is True
    np.testing.assert_allclose(last_obs, expected_last, atol=1e-5)
    new_obs, _ = env.reset()
    assert 0.5 <= np.linalg.norm(new_obs) <= 1.0


def test_gymnasium_make_truncates_exactly_once_at_the_registered_limit() -> None:
    env = gym.make(REACH_ID)
    action = np.array([0.05, -0.02], dtype=np.float32)
    assert gym.spec(REACH_ID).max_episode_steps == REACH_LIMIT
    assert env.spec is not None and env.spec.max_episode_steps == REACH_LIMIT
    only_last = [False] * (REACH_LIMIT - 1) + [True]

    for seed in (1, None):
        obs, _ = env.reset(seed=seed)
        flags = [env.step(action) for _ in range(REACH_LIMIT)]

        assert [f[3] for f in flags] == only_last
        assert not any(f[2] for f in flags)
        np.testing.assert_allclose(flags[-1][0], obs + REACH_LIMIT * STEP_SIZE * action, atol=1e-5)

    # The bare env truncates itself on that same step, so Gymnasium's TimeLimit never adds a
    # second, different truncation point (and make_vec, which has no TimeLimit, agrees).
    bare = env.unwrapped
    bare.reset(seed=1)
    assert [bare.step(action)[3] for _ in range(REACH_LIMIT)] == only_last


def test_gymnasium_make_max_episode_steps_shortens_the_limit() -> None:
    env = gym.make(REACH_ID, max_episode_steps=3)
    for seed in (1, None):
        env.reset(seed=seed)
        truncated = [env.step(np.zeros(2, dtype=np.float32))[3] for _ in range(3)]
        assert truncated == [False, False, True]


def test_single_env_renders_rgb_array() -> None:
    env = gym.make(REACH_ID, render_mode="rgb_array")
    env.reset(seed=0)

    frame = env.render()

    assert isinstance(frame, np.ndarray) and frame.shape == (16, 16, 3) and frame.dtype == np.uint8


# ------------------------------------------------------------------------ vector env
def test_make_vec_gives_a_batched_numpy_vector_env() -> None:
    envs = gym.make_vec(REACH_ID, num_envs=4)
    envs.action_space.seed(0)
    obs, _ = envs.reset(seed=0)
    step = envs.step(envs.action_space.sample())

    assert isinstance(envs.unwrapped, VectorGymEnv)
    assert envs.metadata["autoreset_mode"] is AutoresetMode.SAME_STEP
    assert envs.num_envs == 4
    assert envs.single_observation_space.shape == (2,)
    assert envs.observation_space.shape == (4, 2) and envs.action_space.shape == (4, 2)
    assert obs.dtype == np.float32 and obs.shape == (4, 2)
    assert step[0].dtype == np.float32 and step[0].shape == (4, 2)
    assert step[1].shape == (4,)
    assert step[2].dtype == np.bool_ and step[3].dtype == np.bool_
    envs.close()


def test_make_vec_same_step_layout_and_values_on_termination() -> None:
    envs = gym.make_vec(REACH_ID, num_envs=3, max_episode_steps=20)
    obs, _ = envs.reset(seed=2)
    direction = (-obs[1] / np.linalg.norm(obs[1])).astype(np.float32)
    actions = np.stack([np.zeros(2), direction, np.zeros(2)]).astype(np.float32)
    expected_last = obs[1].astype(np.float64)

    for _ in range(20):
        new_obs, _, terminated, truncated, infos = envs.step(actions)
        expected_last = expected_last + STEP_SIZE * direction
        if np.linalg.norm(expected_last) < 0.1:
            break
        assert not (terminated | truncated).any() and "final_obs" not in infos

    assert terminated.tolist() == [False, True, False] and not truncated.any()
    assert infos["_final_obs"].tolist() == [False, True, False]
    assert infos["final_obs"][0] is None and infos["final_obs"][2] is None
    np.testing.assert_allclose(infos["final_obs"][1], expected_last, atol=1e-5)
    assert 0.5 <= np.linalg.norm(new_obs[1]) <= 1.0, "obs is the new episode's first"
    np.testing.assert_allclose(new_obs[[0, 2]], obs[[0, 2]])
    assert infos["_final_info"].tolist() == [False, True, False]
    assert infos["final_info"]["is_success"].tolist() == [False, True, False]
    assert infos["final_info"]["rewards"]["distance"][1] == pytest.approx(
        -np.linalg.norm(expected_last), abs=1e-5
    )
    assert infos["_is_success"].tolist() == [True, False, True]
    assert infos["metrics"]["_distance"].tolist() == [True, False, True]
    envs.close()


@pytest.mark.parametrize(
    ("limit_kwargs", "limit"), [({}, REACH_LIMIT), ({"max_episode_steps": 3}, 3)]
)
def test_make_vec_truncates_exactly_once_per_limit(
    limit_kwargs: dict[str, int], limit: int
) -> None:
    envs = gym.make_vec(REACH_ID, num_envs=2, **limit_kwargs)
    obs, _ = envs.reset(seed=4)
    truncated_at = []

    for t in range(1, 2 * limit + 1):
        new_obs, _, terminated, truncated, infos = envs.step(np.zeros((2, 2), dtype=np.float32))
        assert not terminated.any()
        if truncated.any():
            assert truncated.all()
            truncated_at.append(t)
            # Zero actions never move a point: the last observation is the episode's first.
            np.testing.assert_allclose(np.stack(infos["final_obs"]), obs)
            assert not np.allclose(new_obs, obs)
            obs = new_obs

    assert truncated_at == [limit, 2 * limit]
    envs.close()


def _key_tree(info: dict[str, Any]) -> dict[str, Any]:
    return {k: _key_tree(v) if isinstance(v, dict) else None for k, v in info.items()}


def test_info_layout_matches_gymnasiums_own_sync_vectorisation() -> None:
    ours = gym.make_vec(REACH_ID, num_envs=2)
    theirs = gym.make_vec(
        REACH_ID,
        num_envs=2,
        vectorization_mode="sync",
        vector_kwargs={"autoreset_mode": AutoresetMode.SAME_STEP},
    )
    ours.reset(seed=0)
    theirs.reset(seed=0)
    zeros = np.zeros((2, 2), dtype=np.float32)

    for _ in range(REACH_LIMIT):
        our_step, their_step = ours.step(zeros), theirs.step(zeros)
        assert _key_tree(our_step[4]) == _key_tree(their_step[4])
    assert their_step[3].all() and our_step[3].all()
    ours.close()
    theirs.close()


# ---------------------------------------------------------------------- PushCubeRL
def test_push_cube_is_exported_with_its_limit() -> None:
    envs = gym.make_vec("PushCubeRL", num_envs=4)

    assert gym.spec("PushCubeRL").max_episode_steps == 100
    assert isinstance(envs.unwrapped, VectorGymEnv)
    assert isinstance(envs.unwrapped._env, push_cube.PushCubeEnv)
    assert envs.unwrapped._env.max_episode_steps == 100
    envs.close()


def test_push_cube_vector_final_obs_is_the_true_last_observation() -> None:
    limit = 5
    envs = gym.make_vec("PushCubeRL", num_envs=4, max_episode_steps=limit)
    free_running = push_cube.PushCubeEnv(num_envs=4, max_episode_steps=None)
    envs.action_space.seed(7)
    obs, _ = envs.reset(seed=7)
    reference_obs, _ = free_running.reset(seed=7)
    np.testing.assert_allclose(obs, reference_obs.numpy())

    for _ in range(limit):
        actions = envs.action_space.sample()
        obs, _, terminated, truncated, infos = envs.step(actions)
        reference_obs = free_running.step(torch.from_numpy(actions))[0]

    done = terminated | truncated
    assert done.all() and infos["_final_obs"].all()
    np.testing.assert_allclose(np.stack(infos["final_obs"]), reference_obs.numpy(), atol=1e-6)
    assert not np.allclose(obs, reference_obs.numpy())
    envs.close()


def test_cleanrl_style_loop_runs_unchanged_on_push_cube() -> None:
    num_envs, num_steps, limit = 4, 25, 20
    envs = gym.wrappers.vector.RecordEpisodeStatistics(
        gym.make_vec("PushCubeRL", num_envs=num_envs, max_episode_steps=limit)
    )
    torch.manual_seed(0)
    agent = torch.nn.Linear(
        int(np.prod(envs.single_observation_space.shape)),
        int(np.prod(envs.single_action_space.shape)),
    )
    next_obs_np, _ = envs.reset(seed=1)
    next_obs = torch.Tensor(next_obs_np)
    returns = np.zeros(num_envs)
    own_episode_returns: list[float] = []
    logged_returns: list[float] = []

    for _ in range(num_steps):
        with torch.no_grad():
            action = torch.tanh(agent(next_obs))
        next_obs_np, reward, terminations, truncations, infos = envs.step(action.cpu().numpy())
        real_next_obs = next_obs_np.copy()
        for idx, done in enumerate(np.logical_or(terminations, truncations)):
            if done:
                real_next_obs[idx] = infos["final_obs"][idx]
        assert real_next_obs in envs.observation_space
        returns += reward
        for idx in np.flatnonzero(np.logical_or(terminations, truncations)):
            own_episode_returns.append(returns[idx])
            returns[idx] = 0.0
        if "episode" in infos:
            logged_returns.extend(infos["episode"]["r"][infos["_episode"]])
        next_obs = torch.Tensor(next_obs_np)

    assert len(own_episode_returns) >= num_envs, "every env finishes an episode"
    np.testing.assert_allclose(sorted(logged_returns), sorted(own_episode_returns), rtol=1e-5)
    envs.close()
