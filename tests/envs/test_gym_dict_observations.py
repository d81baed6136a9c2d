"""Dict observations through the Gymnasium bridges: a Gymnasium env with a channel-last
image and a vector seen as torch tensors (images channel-first, uint8), its final
observations kept per key."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
import torch

from embodichain_rl.envs.gym_adapter import GymnasiumEnv

PIXEL_ID = "EmbodichainAdapterPixels-v0"
HEIGHT, WIDTH = 5, 7


class PixelCounterEnv(gym.Env[dict[str, np.ndarray], np.ndarray]):
    """Observes a step counter: a ``[H, W, 3]`` image filled with it (channel 0), twice it
    (channel 1) and 3 (channel 2), and a 2-vector ``(counter, -counter)``; ends after 2
    steps (``terminated``)."""

    def __init__(self) -> None:
        self.observation_space = gym.spaces.Dict(
            {
                "pixels": gym.spaces.Box(0, 255, (HEIGHT, WIDTH, 3), np.uint8),
                "vector": gym.spaces.Box(-10.0, 10.0, (2,), np.float64),
            }
        )
        self.action_space = gym.spaces.Box(-1.0, 1.0, (1,), np.float32)
        self.counter = 0

    def _obs(self) -> dict[str, np.ndarray]:
        image = np.empty((HEIGHT, WIDTH, 3), dtype=np.uint8)
        image[..., 0], image[..., 1], image[..., 2] = self.counter, 2 * self.counter, 3
        return {"pixels": image, "vector": np.array([self.counter, -self.counter], np.float64)}

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        super().reset(seed=seed)
        self.counter = 0
        return self._obs(), {}

    def step(self, action: np.ndarray) -> tuple[dict[str, np.ndarray], float, bool, bool, dict]:
        self.counter += 1
        return self._obs(), 1.0, self.counter >= 2, False, {}


gym.register(PIXEL_ID, entry_point=PixelCounterEnv, max_episode_steps=10)


def test_dict_space_is_channel_first_uint8_and_float_vector() -> None:
    env = GymnasiumEnv(gym_id=PIXEL_ID, num_envs=3)
    try:
        space = env.single_observation_space
        assert isinstance(space, gym.spaces.Dict)
        assert space["pixels"].shape == (3, HEIGHT, WIDTH)
        assert space["pixels"].dtype == np.uint8
        assert space["vector"].shape == (2,) and space["vector"].dtype == np.float32
        obs, _ = env.reset(seed=0)
        assert set(obs) == {"pixels", "vector"}
        assert obs["pixels"].dtype == torch.uint8 and obs["pixels"].shape == (3, 3, HEIGHT, WIDTH)
        assert obs["vector"].dtype == torch.float32
        assert int(obs["pixels"][0, 2].unique().item()) == 3  # channel 2 holds 3 everywhere
    finally:
        env.close()


def test_final_observation_is_the_finished_episodes_last_one_per_key() -> None:
    env = GymnasiumEnv(gym_id=PIXEL_ID, num_envs=2)
    try:
        env.reset(seed=0)
        action = torch.zeros(2, 1)
        obs, _, _, _, info = env.step(action)
        assert obs["vector"][:, 0].tolist() == [1.0, 1.0]
        obs, _, terminated, _, info = env.step(action)
        assert terminated.tolist() == [True, True]
        # The returned observation starts the next episode; final_obs is the ended one's.
        assert obs["vector"][:, 0].tolist() == [0.0, 0.0]
        final = info["final_obs"]
        assert final["vector"].tolist() == [[2.0, -2.0], [2.0, -2.0]]
        assert final["pixels"][:, 0].unique().tolist() == [2]
        assert final["pixels"][:, 1].unique().tolist() == [4]
    finally:
        env.close()
