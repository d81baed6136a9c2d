"""Fresh PushCube episode starts: cube pose, goal and start joints, a pure function of the
seed, the env index and the env's episode counter (shared by every PushCube backend)."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from embodichain_rl.envs.push_cube import random as prng
from embodichain_rl.envs.push_cube.config import PushCubeConfig
from embodichain_rl.envs.push_cube.kinematics import tcp_position

# Uniform draws per reset: cube x, y, yaw, goal angle, goal distance, six joint noises.
NUM_RESET_DRAWS = 11


def hash_seed(seed: int, device: torch.device) -> torch.Tensor:
    """The int64 scalar key every per-env draw is hashed from."""
    lo = torch.tensor(seed & 0xFFFFFFFF, dtype=torch.int64, device=device)
    hi = torch.tensor((seed >> 32) & 0xFFFFFFFF, dtype=torch.int64, device=device)
    return prng.mix32(prng.mix32(lo) ^ hi)


@dataclass(frozen=True)
class StartSampler:
    """Draws initial states from the config's ranges; its tensors are built once, on the
    env's device, so sampling (every step, for auto-reset) copies nothing from the host."""

    cfg: PushCubeConfig
    """The task whose reset ranges are drawn from."""
    q_init: torch.Tensor
    """Nominal start joints [6]."""
    q_low: torch.Tensor
    """Lower joint limits [6]."""
    q_high: torch.Tensor
    """Upper joint limits [6]."""

    @classmethod
    def build(cls, cfg: PushCubeConfig, device: torch.device) -> StartSampler:
        """The sampler of ``cfg`` with its tensors on ``device``."""

        def vector(values: tuple[float, ...]) -> torch.Tensor:
            return torch.tensor(values, dtype=torch.float32, device=device)

        return cls(cfg, vector(cfg.init_qpos), vector(cfg.joint_lower), vector(cfg.joint_upper))

    def __call__(
        self, seed_key: torch.Tensor, env_index: torch.Tensor, episode: torch.Tensor
    ) -> dict[str, torch.Tensor]:
        """Initial states of every env for the given per-env episode counters.

        Keys: ``q`` start joints ``[N, 6]``, ``tcp`` ``[N, 3]``, ``cube`` (x, y, yaw)
        ``[N, 3]``, ``goal`` xy ``[N, 2]`` and ``distance`` cube-goal ``[N]``.
        """
        cfg = self.cfg
        u = prng.uniform(seed_key, env_index, episode, NUM_RESET_DRAWS)
        cx = prng.scale(u[:, 0], *cfg.cube_x_range)
        cy = prng.scale(u[:, 1], *cfg.cube_y_range)
        yaw = prng.scale(u[:, 2], *cfg.cube_yaw_range)
        bearing = torch.atan2(cy, cx) + prng.scale(u[:, 3], *cfg.goal_angle_range)
        reach = prng.scale(u[:, 4], *cfg.goal_distance_range)
        goal = torch.stack((cx + reach * torch.cos(bearing), cy + reach * torch.sin(bearing)), -1)
        noise = (2.0 * u[:, 5:] - 1.0) * cfg.init_qpos_noise
        q = torch.maximum(torch.minimum(self.q_init + noise, self.q_high), self.q_low)
        return {
            "q": q,
            "tcp": tcp_position(q, cfg.tool_offset),
            "cube": torch.stack((cx, cy, yaw), -1),
            "goal": goal,
            "distance": reach,
        }
