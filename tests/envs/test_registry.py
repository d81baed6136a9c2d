"""The env registry: building, re-registering, time limits, unknown ids, Gymnasium ids."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import gymnasium as gym
import numpy as np
import pytest
import torch

from embodichain_rl.envs import registry
from embodichain_rl.envs.base import EmbodiedEnv, StepResult
from embodichain_rl.envs.registry import EnvRegistryError, get_env_spec, make_env, register_env

_ids = itertools.count()


class PointMass1D(EmbodiedEnv):
    """A batch of points on ``[-1, 1]`` moved by ``0.1 * action``; reward ``-|x|``.

    Never terminates; truncates when an episode reaches ``max_episode_steps``.
    """

    def __init__(
        self, *, num_envs: int = 1, device: str | torch.device = "cpu", max_episode_steps: int = 50
    ) -> None:
        self.num_envs = num_envs
        self.device = torch.device(device)
        self.max_episode_steps = max_episode_steps
        self.single_observation_space = gym.spaces.Box(-1.0, 1.0, (1,), np.float32)
        self.single_action_space = gym.spaces.Box(-1.0, 1.0, (1,), np.float32)
        self._generator = torch.Generator(device=self.device)
        self._x = torch.zeros(num_envs, 1, device=self.device)
        self._steps = torch.zeros(num_envs, dtype=torch.long, device=self.device)

    def _sample(self) -> torch.Tensor:
        u = torch.rand(self.num_envs, 1, generator=self._generator, device=self.device)
        return u * 2.0 - 1.0

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[torch.Tensor, dict[str, Any]]:
        if seed is not None:
            self._generator.manual_seed(seed)
        self._x = self._sample()
        self._steps.zero_()
        return self._x.clone(), {}

    def step(self, action: torch.Tensor) -> StepResult:
        self._x = (self._x + 0.1 * action.clamp(-1.0, 1.0)).clamp(-1.0, 1.0)
        self._steps += 1
        reward = -self._x.abs().squeeze(-1)
        terminated = torch.zeros(self.num_envs, dtype=torch.bool, device=self.device)
        truncated = self._steps >= self.max_episode_steps
        final_obs = self._x.clone()
        self._x = torch.where(truncated[:, None], self._sample(), self._x)
        self._steps = torch.where(truncated, torch.zeros_like(self._steps), self._steps)
        info = {
            "final_obs": final_obs,
            "rewards": {"distance": reward},
            "metrics": {"success": torch.zeros_like(terminated)},
        }
        return self._x.clone(), reward, terminated, truncated, info


class OtherPointMass1D(PointMass1D):
    """Same dynamics, a different class: tells an override apart."""


@pytest.fixture
def env_id() -> Iterator[str]:
    """A fresh id, removed from both registries afterwards."""
    name = f"TestPointMass{next(_ids)}"
    yield name
    registry._REGISTRY.pop(name, None)
    gym.registry.pop(name, None)


def test_make_env_builds_batched_env_on_device(env_id: str) -> None:
    register_env(env_id, max_episode_steps=7)(PointMass1D)

    env = make_env(env_id, num_envs=3, device="cpu")
    obs, _ = env.reset(seed=0)

    assert isinstance(env, PointMass1D)
    assert env.num_envs == 3
    assert env.max_episode_steps == 7
    assert obs.shape == (3, 1)
    assert obs.dtype == torch.float32
    assert obs.device == torch.device("cpu")
    assert get_env_spec(env_id).env_class is PointMass1D


def test_registering_twice_without_override_raises(env_id: str) -> None:
    register_env(env_id)(PointMass1D)

    with pytest.raises(EnvRegistryError, match=r"already registered.*override=True"):
        register_env(env_id)(OtherPointMass1D)
    assert get_env_spec(env_id).env_class is PointMass1D


def test_override_replaces_the_class(env_id: str) -> None:
    register_env(env_id, max_episode_steps=5)(PointMass1D)
    register_env(env_id, max_episode_steps=9, override=True)(OtherPointMass1D)

    env = make_env(env_id, num_envs=2)

    assert type(env) is OtherPointMass1D
    assert env.max_episode_steps == 9
    assert gym.spec(env_id).max_episode_steps == 9


@pytest.mark.parametrize("override_limit", [None, 3])
def test_registered_time_limit_truncates_at_exactly_that_step(
    env_id: str, override_limit: int | None
) -> None:
    register_env(env_id, max_episode_steps=6)(PointMass1D)
    limit = override_limit or 6
    env = make_env(env_id, num_envs=2, max_episode_steps=override_limit)
    env.reset(seed=1)

    truncations = [env.step(torch.zeros(2, 1))[3] for _ in range(2 * limit)]

    steps_with_any = [t + 1 for t, truncated in enumerate(truncations) if truncated.any()]
    steps_with_all = [t + 1 for t, truncated in enumerate(truncations) if truncated.all()]
    assert steps_with_any == steps_with_all == [limit, 2 * limit]


def test_unknown_id_lists_registered_ids_and_suggests(env_id: str) -> None:
    register_env(env_id)(PointMass1D)

    with pytest.raises(EnvRegistryError) as error:
        make_env(env_id + "x")

    message = str(error.value)
    assert f"unknown env id {env_id + 'x'!r}" in message
    assert repr(env_id) in message.split("registered:")[1]
    assert f"Did you mean {env_id!r}?" in message


def test_unknown_id_without_close_match_has_no_suggestion() -> None:
    with pytest.raises(EnvRegistryError) as error:
        make_env("zzzzzzzzzzzz")

    assert "registered:" in str(error.value)
    assert "Did you mean" not in str(error.value)


def test_gymnasium_make_builds_the_registered_env(env_id: str) -> None:
    register_env(env_id, max_episode_steps=4)(PointMass1D)

    env = gym.make(env_id)
    obs, _ = env.reset(seed=0)
    step = env.step(np.array([0.5], dtype=np.float32))

    assert gym.spec(env_id).max_episode_steps == 4
    assert obs.shape == (1,) and obs.dtype == np.float32
    assert obs in env.observation_space
    assert isinstance(step[1], float)
    assert isinstance(env.unwrapped._env, PointMass1D)
    env.close()
