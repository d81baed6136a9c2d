"""Fresh CartPole episode starts: a pure function of the seed, the env index and the env's
episode counter (the same counter-based draws as PushCube, so env i's starts never depend on
``num_envs``)."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from embodichain_rl.envs.cart_pole.config import CartPoleConfig
from embodichain_rl.envs.push_cube import random as prng

# Uniform draws per reset: cart position, pole angle, cart velocity, pole velocity noise.
NUM_RESET_DRAWS = 4


@dataclass(frozen=True)
class StartSampler:
    """Draws start states around ``init_qpos``; its tensors are built once, on the env's
    device, so sampling (every step, for auto-reset) copies nothing from the host."""

    qpos_centre: torch.Tensor
    """Nominal start joints [2] (cart m, pole rad)."""
    noise: torch.Tensor
    """Half-widths [4] of the uniform noise on (cart, pole) position then velocity."""

    @classmethod
    def build(cls, cfg: CartPoleConfig, device: torch.device) -> StartSampler:
        """The sampler of ``cfg`` with its tensors on ``device``."""
        noise = (*cfg.init_qpos_noise, *cfg.init_qvel_noise)
        return cls(
            torch.tensor(cfg.init_qpos, dtype=torch.float32, device=device),
            torch.tensor(noise, dtype=torch.float32, device=device),
        )

    def __call__(
        self, seed_key: torch.Tensor, env_index: torch.Tensor, episode: torch.Tensor
    ) -> dict[str, torch.Tensor]:
        """Start states of every env for the given per-env episode counters: ``qpos`` and
        ``qvel`` ``[N, 2]``."""
        u = prng.uniform(seed_key, env_index, episode, NUM_RESET_DRAWS)
        offset = (2.0 * u - 1.0) * self.noise
        return {"qpos": self.qpos_centre + offset[:, :2], "qvel": offset[:, 2:]}
