"""Fresh PushCube episode starts: cube pose, goal and start joints, a pure function of the
seed, the env index and the env's episode counter (shared by every PushCube backend)."""

from __future__ import annotations

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


def sample_starts(
    cfg: PushCubeConfig,
    seed_key: torch.Tensor,
    env_index: torch.Tensor,
    episode: torch.Tensor,
) -> dict[str, torch.Tensor]:
    """Initial states of every env for the given per-env episode counters.

    Keys: ``q`` start joints ``[N, 6]``, ``tcp`` ``[N, 3]``, ``cube`` (x, y, yaw) ``[N, 3]``,
    ``goal`` xy ``[N, 2]`` and ``distance`` cube-goal ``[N]``.
    """
    dev = env_index.device
    q_init = torch.tensor(cfg.init_qpos, dtype=torch.float32, device=dev)
    q_low = torch.tensor(cfg.joint_lower, dtype=torch.float32, device=dev)
    q_high = torch.tensor(cfg.joint_upper, dtype=torch.float32, device=dev)
    u = prng.uniform(seed_key, env_index, episode, NUM_RESET_DRAWS)
    cx = prng.scale(u[:, 0], *cfg.cube_x_range)
    cy = prng.scale(u[:, 1], *cfg.cube_y_range)
    yaw = prng.scale(u[:, 2], *cfg.cube_yaw_range)
    bearing = torch.atan2(cy, cx) + prng.scale(u[:, 3], *cfg.goal_angle_range)
    reach = prng.scale(u[:, 4], *cfg.goal_distance_range)
    goal = torch.stack((cx + reach * torch.cos(bearing), cy + reach * torch.sin(bearing)), -1)
    noise = (2.0 * u[:, 5:] - 1.0) * cfg.init_qpos_noise
    q = torch.maximum(torch.minimum(q_init + noise, q_high), q_low)
    return {
        "q": q,
        "tcp": tcp_position(q, cfg.tool_offset),
        "cube": torch.stack((cx, cy, yaw), -1),
        "goal": goal,
        "distance": reach,
    }
