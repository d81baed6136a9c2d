"""PushCube (``PushCubeRL``): a UR10 pushes a cube to a goal disc, batched in pure PyTorch."""

from __future__ import annotations

from embodichain_rl.envs.push_cube.config import PushCubeConfig
from embodichain_rl.envs.push_cube.env import PushCubeEnv
from embodichain_rl.envs.push_cube.observations import ObservationLayout
from embodichain_rl.envs.push_cube.scripted import ScriptedGains, scripted_action

__all__ = ["ObservationLayout", "PushCubeConfig", "PushCubeEnv", "ScriptedGains", "scripted_action"]
