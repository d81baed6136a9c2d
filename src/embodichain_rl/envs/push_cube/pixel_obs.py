"""The pixel modes' observation: its ``Dict`` space and its tensors (``docs/pixels.md``)."""

from __future__ import annotations

from collections import OrderedDict

import gymnasium as gym
import numpy as np
import torch

from embodichain_rl.envs.push_cube.config import PushCubeConfig
from embodichain_rl.envs.push_cube.observations import ObservationLayout, build_robot_state
from embodichain_rl.envs.push_cube.pixels import CameraRenderer
from embodichain_rl.utils.observations import PRIVILEGED_KEY


def observation_space(cfg: PushCubeConfig) -> gym.spaces.Box | gym.spaces.Dict:
    """A flat ``Box`` for ``obs_mode=state``; else the ``Dict`` of ``rgb``, ``depth`` (when
    ``camera.depth``), ``state`` (``rgb_state``) and ``privileged`` (the flat vector)."""
    flat_dim = ObservationLayout.for_mode(cfg.control_mode).dim
    flat = gym.spaces.Box(-np.inf, np.inf, (flat_dim,), dtype=np.float32)
    if cfg.obs_mode == "state":
        return flat
    cam = cfg.camera
    spaces: dict[str, gym.spaces.Box] = {
        "rgb": gym.spaces.Box(0, 255, (3, cam.height, cam.width), dtype=np.uint8)
    }
    if cam.depth:
        spaces["depth"] = gym.spaces.Box(0.0, np.inf, (1, cam.height, cam.width), dtype=np.float32)
    if cfg.obs_mode == "rgb_state":
        robot_dim = ObservationLayout.robot_for_mode(cfg.control_mode).dim
        spaces["state"] = gym.spaces.Box(-np.inf, np.inf, (robot_dim,), dtype=np.float32)
    spaces[PRIVILEGED_KEY] = flat
    return gym.spaces.Dict(OrderedDict(spaces))  # a plain dict would be sorted by key


def pixel_observation(
    *,
    camera: CameraRenderer,
    obs_mode: str,
    flat: torch.Tensor,
    tcp: torch.Tensor,
    cube: torch.Tensor,
    goal: torch.Tensor,
    qpos: torch.Tensor | None,
    qvel: torch.Tensor | None,
) -> dict[str, torch.Tensor]:
    """The pixel modes' observation dict of every env (keys in the space's order)."""
    images = camera.render(tcp=tcp, cube=cube, goal=goal, qpos=qpos)
    obs = {"rgb": images.rgb}
    if images.depth is not None:
        obs["depth"] = images.depth
    if obs_mode == "rgb_state":
        obs["state"] = build_robot_state(tcp=tcp, goal=goal, qpos=qpos, qvel=qvel)
    obs[PRIVILEGED_KEY] = flat
    return obs
