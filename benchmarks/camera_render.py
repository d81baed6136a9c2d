"""Time the PushCube camera renderer alone (docs/pixels.md, Speed).

Usage: ``python benchmarks/camera_render.py <threads> [frames] [--device cuda]``. For each
control mode, N in (256, 1024) and square image side in (48, 64, 128) it builds
``make_env("PushCubeRL", ...)``, resets with seed 0, renders once to warm up, then reports
the mean of ``frames`` batched ``CameraRenderer.render`` calls (ms per call and images per
second) under inference mode.
"""

from __future__ import annotations

import argparse
import time

import torch

from embodichain_rl.envs import make_env
from embodichain_rl.envs.push_cube import PushCubeEnv


def time_render(mode: str, num_envs: int, side: int, frames: int, device: str) -> float:
    """Mean seconds per batched render of ``num_envs`` envs at ``side x side`` pixels."""
    camera = {"width": side, "height": side}
    env = make_env("PushCubeRL", num_envs=num_envs, device=device, control_mode=mode, camera=camera)
    assert isinstance(env, PushCubeEnv)
    env.reset(seed=0)
    renderer = env._camera_renderer()
    qpos = env.qpos if env.joint_mode else None
    with torch.inference_mode():
        renderer.render(tcp=env.tcp, cube=env.cube, goal=env.goal, qpos=qpos)
        start = time.perf_counter()
        for _ in range(frames):
            renderer.render(tcp=env.tcp, cube=env.cube, goal=env.goal, qpos=qpos)
        if env.device.type == "cuda":
            torch.cuda.synchronize(env.device)
    return (time.perf_counter() - start) / frames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("threads", type=int, nargs="?", default=torch.get_num_threads())
    parser.add_argument("frames", type=int, nargs="?", default=10)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    threads, frames = args.threads, args.frames
    torch.set_num_threads(threads)
    for mode in ("ee_delta_pos", "joint_delta_pos"):
        for num_envs in (256, 1024):
            for side in (48, 64, 128):
                dt = time_render(mode, num_envs, side, frames, args.device)
                print(
                    f"{args.device} threads={threads} {mode} N={num_envs} {side}x{side}: "
                    f"{dt * 1e3:.1f} ms/call {num_envs / dt:.0f} images/s",
                    flush=True,
                )


if __name__ == "__main__":
    main()
