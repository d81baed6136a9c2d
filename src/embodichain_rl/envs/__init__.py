"""Batched torch environments, their registry and the Gymnasium bridges."""

from __future__ import annotations

# Importing the built-in tasks (cart_pole, point_mass, push_cube, push_cube_mujoco) registers
# their ids (here and with Gymnasium).
from embodichain_rl.envs.base import EmbodiedEnv
from embodichain_rl.envs.cart_pole import CartPoleConfig, CartPoleEnv
from embodichain_rl.envs.differentiable import DifferentiableEnv, is_differentiable
from embodichain_rl.envs.gym_adapter import GymnasiumEnv
from embodichain_rl.envs.point_mass import PointMassConfig, PointMassEnv
from embodichain_rl.envs.push_cube import PushCubeConfig, PushCubeEnv
from embodichain_rl.envs.push_cube_language import PushCubeLanguageConfig, PushCubeLanguageEnv
from embodichain_rl.envs.push_cube_mujoco import PushCubeMuJoCoConfig, PushCubeMuJoCoEnv
from embodichain_rl.envs.registry import (
    EnvRegistryError,
    get_env_spec,
    make_env,
    register_env,
    registered_envs,
)

__all__ = [
    "CartPoleConfig",
    "CartPoleEnv",
    "DifferentiableEnv",
    "EmbodiedEnv",
    "EnvRegistryError",
    "GymnasiumEnv",
    "PointMassConfig",
    "PointMassEnv",
    "PushCubeConfig",
    "PushCubeEnv",
    "PushCubeLanguageConfig",
    "PushCubeLanguageEnv",
    "PushCubeMuJoCoConfig",
    "PushCubeMuJoCoEnv",
    "get_env_spec",
    "is_differentiable",
    "make_env",
    "register_env",
    "registered_envs",
]
