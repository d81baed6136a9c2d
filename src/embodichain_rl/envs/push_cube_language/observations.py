"""``PushCubeLanguage``'s observation: its ``Dict`` space and its tensors.

Keys, in order: ``rgb`` uint8 ``[3, H, W]`` (every disc in its colour), ``depth`` (only with
``camera.depth``), ``instruction`` int64 ``[L]`` (word ids, 0 pads), ``state`` float32
(``rgb_state`` only: joints and joint velocities in joint mode, then the TCP position; no
goal), ``privileged`` float32 (PushCube's flat state with goal = the named disc).
"""

from __future__ import annotations

from collections import OrderedDict

import gymnasium as gym
import numpy as np
import torch

from embodichain_rl.envs.push_cube.observations import ObservationLayout
from embodichain_rl.envs.push_cube.pixels import CameraRenderer, Discs
from embodichain_rl.envs.push_cube_language.config import PushCubeLanguageConfig
from embodichain_rl.envs.push_cube_language.language import INSTRUCTION_LENGTH, VOCABULARY
from embodichain_rl.utils.observations import PRIVILEGED_KEY

INSTRUCTION_KEY = "instruction"
"""The observation key of the instruction's word ids."""


def robot_state_dim(control_mode: str) -> int:
    """Length of the ``state`` key: 6 + 6 joint terms (joint mode) plus the TCP (3)."""
    return 15 if control_mode == "joint_delta_pos" else 3


def language_observation_space(cfg: PushCubeLanguageConfig) -> gym.spaces.Dict:
    """The single-env ``Dict`` space (keys in the order above)."""
    cam = cfg.camera
    flat_dim = ObservationLayout.for_mode(cfg.control_mode).dim
    spaces: dict[str, gym.spaces.Box] = {
        "rgb": gym.spaces.Box(0, 255, (3, cam.height, cam.width), dtype=np.uint8)
    }
    if cam.depth:
        spaces["depth"] = gym.spaces.Box(0.0, np.inf, (1, cam.height, cam.width), dtype=np.float32)
    spaces[INSTRUCTION_KEY] = gym.spaces.Box(
        0, len(VOCABULARY) - 1, (INSTRUCTION_LENGTH,), dtype=np.int64
    )
    if cfg.obs_mode == "rgb_state":
        dim = robot_state_dim(cfg.control_mode)
        spaces["state"] = gym.spaces.Box(-np.inf, np.inf, (dim,), dtype=np.float32)
    spaces[PRIVILEGED_KEY] = gym.spaces.Box(-np.inf, np.inf, (flat_dim,), dtype=np.float32)
    return gym.spaces.Dict(OrderedDict(spaces))  # a plain dict would be sorted by key


def language_observation(
    *,
    camera: CameraRenderer,
    obs_mode: str,
    flat: torch.Tensor,
    instruction: torch.Tensor,
    tcp: torch.Tensor,
    cube: torch.Tensor,
    discs: Discs,
    qpos: torch.Tensor | None,
    qvel: torch.Tensor | None,
) -> dict[str, torch.Tensor]:
    """The observation dict of every env (keys in the space's order)."""
    images = camera.render(tcp=tcp, cube=cube, goal=discs.centres[:, 0], qpos=qpos, discs=discs)
    obs = {"rgb": images.rgb}
    if images.depth is not None:
        obs["depth"] = images.depth
    obs[INSTRUCTION_KEY] = instruction
    if obs_mode == "rgb_state":
        joints = [] if qpos is None or qvel is None else [qpos, qvel]
        obs["state"] = torch.cat([*joints, tcp], dim=-1)
    obs[PRIVILEGED_KEY] = flat
    return obs
