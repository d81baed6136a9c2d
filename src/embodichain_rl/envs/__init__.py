"""Batched torch environments, their registry and the Gymnasium bridges."""

from __future__ import annotations

from embodichain_rl.envs.base import EmbodiedEnv
from embodichain_rl.envs.gym_adapter import GymnasiumEnv

# Importing the built-in tasks registers their ids (here and with Gymnasium).
from embodichain_rl.envs.push_cube import PushCubeConfig, PushCubeEnv
from embodichain_rl.envs.push_cube_mujoco import PushCubeMuJoCoConfig, PushCubeMuJoCoEnv
from embodichain_rl.envs.registry import (
    EnvRegistryError,
    get_env_spec,
    make_env,
    register_env,
    registered_envs,
)

__all__ = [
    "EmbodiedEnv",
    "EnvRegistryError",
    "GymnasiumEnv",
    "PushCubeConfig",
    "PushCubeEnv",
    "PushCubeMuJoCoConfig",
    "PushCubeMuJoCoEnv",
    "get_env_spec",
    "make_env",
    "register_env",
    "registered_envs",
]
