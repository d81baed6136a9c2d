"""Headless videos of deterministic, seeded episodes, written as animated GIFs (Pillow).

GIF needs nothing beyond Pillow (no ffmpeg, no moviepy), plays in browsers, TensorBoard's
image tab and wandb. Recording reads frames to the host every step, so it runs only when a
video is asked for, never inside a training rollout.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image

from embodichain_rl.envs.base import EmbodiedEnv
from embodichain_rl.policies import Policy


def render_overrides(env_cfg: Mapping[str, Any]) -> dict[str, Any]:
    """Keys to set on ``env_cfg`` before building an env that must render: a Gymnasium env
    (a config with ``env_kwargs``) is made with ``render_mode="rgb_array"`` unless its
    config names a render mode; other envs render as they are (``{}``)."""
    kwargs = env_cfg.get("env_kwargs")
    if isinstance(kwargs, Mapping) and "render_mode" not in kwargs:
        return {"env_kwargs.render_mode": "rgb_array"}
    return {}


@torch.no_grad()
def record_episodes(
    env: EmbodiedEnv, policy: Policy, *, seed: int, episodes: int = 1
) -> list[np.ndarray]:
    """Frames of the first episode of envs ``0 .. episodes-1`` after ``env.reset(seed=seed)``,
    played one after the other; each frame is ``uint8 [H, W, 3]``.

    With the evaluator's seed these are the same episodes :class:`Evaluator` scores.
    Frames come from ``env.render(i)`` (the :class:`EmbodiedEnv` contract); a Gymnasium env
    must be made with ``render_mode="rgb_array"`` (:func:`render_overrides`).
    """
    if env.max_episode_steps is None:
        raise ValueError("recording needs an env with a time limit (max_episode_steps)")
    count = max(1, min(episodes, env.num_envs))
    was_training = policy.training
    policy.eval()
    obs, _ = env.reset(seed=seed)
    clips: list[list[np.ndarray]] = [[env.render(i)] for i in range(count)]
    active = [True] * count
    for _ in range(int(env.max_episode_steps)):
        obs, _, terminated, truncated, _ = env.step(policy.act_deterministic(obs))
        done = (terminated | truncated)[:count].tolist()
        for i in range(count):
            if not active[i]:
                continue
            # A finished env has already auto-reset: its last frame is the one rendered
            # before the reset would show the next episode, so stop without rendering it.
            if done[i]:
                active[i] = False
            else:
                clips[i].append(env.render(i))
        if not any(active):
            break
    policy.train(was_training)
    return [frame for clip in clips for frame in clip]


def gif_bytes(frames: list[np.ndarray], fps: int = 25) -> bytes:
    """Encode ``frames`` as a looping animated GIF."""
    if not frames:
        raise ValueError("no frames to encode")
    images = [
        Image.fromarray(np.asarray(frame, dtype=np.uint8)).quantize(
            colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
        )
        for frame in frames
    ]
    buffer = io.BytesIO()
    images[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=max(1, round(1000 / fps)),
        loop=0,
        optimize=False,
    )
    return buffer.getvalue()


def write_gif(path: Path, frames: list[np.ndarray], fps: int = 25) -> Path:
    """Write ``frames`` to ``path`` as an animated GIF; returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gif_bytes(frames, fps))
    return path
