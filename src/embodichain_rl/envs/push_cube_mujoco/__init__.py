"""PushCube on MuJoCo (``PushCubeMuJoCo``): the ``PushCubeRL`` task on a real physics engine."""

from __future__ import annotations

from embodichain_rl.envs.push_cube_mujoco.config import BACKENDS, PushCubeMuJoCoConfig
from embodichain_rl.envs.push_cube_mujoco.env import PushCubeMuJoCoEnv

__all__ = ["BACKENDS", "PushCubeMuJoCoConfig", "PushCubeMuJoCoEnv"]
