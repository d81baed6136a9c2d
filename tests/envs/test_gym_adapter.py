"""GymnasiumEnv: Gymnasium ids seen through the batched torch env contract."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
import pytest
import torch

from embodichain_rl.envs.gym_adapter import GymnasiumEnv

ECHO_ID = "EmbodichainAdapterEcho-v0"


class EchoEnv(gym.Env[np.ndarray, np.ndarray]):
    """Observes the action it was last given; ends (successfully) once ``action[0] >= 1``.

    Reports ``is_success`` in every step's info and renders a constant frame.
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["rgb_array"], "render_fps": 10}

    def __init__(self, render_mode: str | None = None) -> None:
        self.observation_space = gym.spaces.Box(-1.0, 1.0, (2,), np.float32)
        self.action_space = gym.spaces.Box(-1.0, 1.0, (2,), np.float32)
        self.render_mode = render_mode

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        super().reset(seed=seed)
        return np.zeros(2, dtype=np.float32), {}

    def step(self, action: np.ndarray) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        obs = np.asarray(action, dtype=np.float32).copy()
        success = bool(obs[0] >= 1.0)
        return obs, 0.0, success, False, {"is_success": success}

    def render(self) -> np.ndarray:
        return np.full((4, 6, 3), 7, dtype=np.uint8)


gym.register(ECHO_ID, entry_point=EchoEnv, max_episode_steps=3)


@pytest.fixture
def make_adapter() -> Iterator[Callable[..., GymnasiumEnv]]:
    """Build adapters that are closed after the test (async ones own worker processes)."""
    built: list[GymnasiumEnv] = []

    def make(**kwargs: Any) -> GymnasiumEnv:
        built.append(GymnasiumEnv(**kwargs))
        return built[-1]

    yield make
    for env in built:
        env.close()


def _reference_rollout(
    gym_id: str, seed: int, actions: list[Any], max_episode_steps: int
) -> list[tuple[np.ndarray, np.ndarray, float, bool, bool]]:
    """Step a plain ``gymnasium.make`` env by hand: (obs, final_obs, reward, term, trunc)."""
    env = gym.make(gym_id, max_episode_steps=max_episode_steps)
    env.reset(seed=seed)
    steps = []
    for action in actions:
        last_obs, reward, terminated, truncated, _ = env.step(action)
        obs = env.reset()[0] if terminated or truncated else last_obs
        steps.append((obs, last_obs, float(reward), terminated, truncated))
    env.close()
    return steps


def _assert_matches_reference(
    env: GymnasiumEnv, gym_id: str, seed: int, actions: list[list[Any]], limit: int
) -> tuple[int, int]:
    """Step ``env`` with ``actions[t][i]``; check env ``i`` against a plain env seeded seed + i."""
    first_obs, _ = env.reset(seed=seed)
    results = []
    for per_env in actions:
        obs, reward, terminated, truncated, info = env.step(torch.as_tensor(np.array(per_env)))
        results.append((obs, info["final_obs"], reward, terminated, truncated))
    terminations = truncations = 0
    for i in range(env.num_envs):
        plain = gym.make(gym_id)
        np.testing.assert_allclose(first_obs[i].numpy(), plain.reset(seed=seed + i)[0], rtol=1e-6)
        reference = _reference_rollout(gym_id, seed + i, [a[i] for a in actions], limit)
        for got, expected in zip(results, reference, strict=True):
            np.testing.assert_allclose(got[0][i].numpy(), expected[0], rtol=1e-5, atol=1e-6)
            np.testing.assert_allclose(got[1][i].numpy(), expected[1], rtol=1e-5, atol=1e-6)
            assert got[2][i].item() == pytest.approx(expected[2], rel=1e-5)
            assert (bool(got[3][i]), bool(got[4][i])) == (expected[3], expected[4])
            terminations += expected[3]
            truncations += expected[4]
    return terminations, truncations


@pytest.mark.parametrize("vectorization", ["sync", "async"])
def test_cartpole_matches_plain_envs_through_terminations_and_truncations(
    make_adapter: Callable[..., GymnasiumEnv], vectorization: str
) -> None:
    env = make_adapter(
        gym_id="CartPole-v1", num_envs=2, max_episode_steps=12, vectorization=vectorization
    )
    # env 0 balances (alternating pushes) until the limit; env 1 always pushes right and falls.
    actions = [[t % 2, 1] for t in range(30)]

    terminations, truncations = _assert_matches_reference(env, "CartPole-v1", 3, actions, 12)

    assert terminations >= 1, "the schedule must end some episode by termination"
    assert truncations >= 2, "the schedule must end some episodes by truncation"


def test_cartpole_tensors_have_contract_shapes_dtypes_and_device(
    make_adapter: Callable[..., GymnasiumEnv],
) -> None:
    env = make_adapter(gym_id="CartPole-v1", num_envs=3)
    obs, _ = env.reset(seed=0)
    step_obs, reward, terminated, truncated, info = env.step(torch.tensor([0, 1, 1]))

    assert env.single_action_space == gym.spaces.Discrete(2)
    assert env.action_space == gym.spaces.MultiDiscrete([2, 2, 2])
    assert env.max_episode_steps == 500
    assert env.obs_dim == 4
    for tensor, shape, dtype in [
        (obs, (3, 4), torch.float32),
        (step_obs, (3, 4), torch.float32),
        (info["final_obs"], (3, 4), torch.float32),
        (reward, (3,), torch.float32),
        (terminated, (3,), torch.bool),
        (truncated, (3,), torch.bool),
    ]:
        assert tensor.shape == shape and tensor.dtype == dtype
        assert tensor.device == torch.device("cpu")
    assert torch.equal(info["rewards"]["env"], reward)
    assert torch.equal(info["final_obs"], step_obs)
    assert "success" not in info["metrics"], "CartPole reports no success"


def test_out_of_range_discrete_actions_are_clipped(
    make_adapter: Callable[..., GymnasiumEnv],
) -> None:
    clipped = make_adapter(gym_id="CartPole-v1", num_envs=2)
    exact = make_adapter(gym_id="CartPole-v1", num_envs=2)
    clipped.reset(seed=5)
    exact.reset(seed=5)

    got = clipped.step(torch.tensor([[-4], [9]]))[0]

    assert torch.equal(got, exact.step(torch.tensor([0, 1]))[0])


@pytest.mark.parametrize("vectorization", ["sync", "async"])
def test_pendulum_box_actions_and_truncation_match_plain_envs(
    make_adapter: Callable[..., GymnasiumEnv], vectorization: str
) -> None:
    env = make_adapter(
        gym_id="Pendulum-v1", num_envs=2, max_episode_steps=5, vectorization=vectorization
    )
    actions = [[[1.5], [-0.5 + 0.1 * t]] for t in range(12)]

    terminations, truncations = _assert_matches_reference(env, "Pendulum-v1", 11, actions, 5)

    assert (terminations, truncations) == (0, 2 * 2)


def test_pendulum_default_limit_is_the_registered_200(
    make_adapter: Callable[..., GymnasiumEnv],
) -> None:
    env = make_adapter(gym_id="Pendulum-v1", num_envs=2)
    env.reset(seed=0)

    truncated_at = [t + 1 for t in range(201) if env.step(torch.zeros(2, 1))[3].all()]

    assert env.max_episode_steps == 200
    assert truncated_at == [200]


def test_box_actions_are_clipped_to_bounds(make_adapter: Callable[..., GymnasiumEnv]) -> None:
    env = make_adapter(gym_id=ECHO_ID, num_envs=2)
    env.reset(seed=0)

    obs = env.step(torch.tensor([[0.5, -3.0], [0.25, 4.0]]))[0]

    torch.testing.assert_close(obs, torch.tensor([[0.5, -1.0], [0.25, 1.0]]))


@pytest.mark.parametrize("vectorization", ["sync", "async"])
def test_success_comes_from_the_wrapped_envs_is_success_info(
    make_adapter: Callable[..., GymnasiumEnv], vectorization: str
) -> None:
    env = make_adapter(gym_id=ECHO_ID, num_envs=3, vectorization=vectorization)
    env.reset(seed=0)

    # env 0 reaches action[0] >= 1 (clipped from 2.0) and terminates; the others keep running.
    obs, _, terminated, truncated, info = env.step(
        torch.tensor([[2.0, 0.0], [0.5, 0.0], [-1.0, 0.0]])
    )

    assert terminated.tolist() == [True, False, False]
    assert not truncated.any()
    assert info["metrics"]["success"].tolist() == [True, False, False]
    torch.testing.assert_close(info["final_obs"][0], torch.tensor([1.0, 0.0]))
    torch.testing.assert_close(obs[0], torch.zeros(2))


def test_non_box_observation_space_is_rejected_by_name() -> None:
    with pytest.raises(ValueError, match=r"'FrozenLake-v1'.*Discrete\(16\)"):
        GymnasiumEnv(gym_id="FrozenLake-v1", num_envs=1)


def test_render_passes_env_zeros_frame_through(
    make_adapter: Callable[..., GymnasiumEnv],
) -> None:
    env = make_adapter(gym_id=ECHO_ID, num_envs=2, env_kwargs={"render_mode": "rgb_array"})
    env.reset(seed=0)

    frame = env.render()

    assert frame.shape == (4, 6, 3) and frame.dtype == np.uint8


def test_render_without_rgb_array_mode_says_how_to_enable_it(
    make_adapter: Callable[..., GymnasiumEnv],
) -> None:
    env = make_adapter(gym_id=ECHO_ID, num_envs=1)

    with pytest.raises(NotImplementedError, match="render_mode"):
        env.render()
