"""``PushCubeLanguage``: PushCube with coloured goal discs and an instruction naming one."""

from __future__ import annotations

from embodichain_rl.envs.push_cube_language.config import PushCubeLanguageConfig
from embodichain_rl.envs.push_cube_language.env import PushCubeLanguageEnv
from embodichain_rl.envs.push_cube_language.language import COLOURS, VOCABULARY, decode, encode

__all__ = [
    "COLOURS",
    "VOCABULARY",
    "PushCubeLanguageConfig",
    "PushCubeLanguageEnv",
    "decode",
    "encode",
]
