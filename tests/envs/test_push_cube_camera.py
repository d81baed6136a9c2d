"""The batched PushCube camera draws what pinhole geometry says, per env, in every mode."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from embodichain_rl.envs import make_env
from embodichain_rl.envs.push_cube import PushCubeEnv
from embodichain_rl.envs.push_cube.pixels import BACKGROUND, CUBE, GOAL_CENTRE, TABLE

SIDE = 64


def hand_projection(env: PushCubeEnv, point: tuple[float, float, float]) -> tuple[int, int]:
    """(row, col) of the pixel containing ``point``, by a NumPy pinhole written here."""
    cam = env.cfg.camera
    eye, target = np.array(cam.eye), np.array(cam.look_at)
    forward = (target - eye) / np.linalg.norm(target - eye)
    right = np.cross(forward, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    rel = np.array(point) - eye
    x, y, z = rel @ right, rel @ up, rel @ forward
    focal = cam.height / 2 / math.tan(math.radians(cam.fov_deg) / 2)
    return int(cam.height / 2 - focal * y / z), int(cam.width / 2 + focal * x / z)


def place(env: PushCubeEnv, cube: list[float], goal: list[float], tcp: list[float]) -> None:
    """Put every env in the same known state (TCP and arm far from cube and goal)."""
    with torch.inference_mode():
        env.cube[:] = torch.tensor(cube)
        env.goal[:] = torch.tensor(goal)
        env.tcp[:] = torch.tensor(tcp)


def ee_env(num_envs: int = 2, **overrides: object) -> PushCubeEnv:
    env = make_env("PushCubeRL", num_envs=num_envs, control_mode="ee_delta_pos", **overrides)
    env.reset(seed=0)
    assert isinstance(env, PushCubeEnv)
    return env


def test_cube_goal_and_table_sit_where_the_pinhole_puts_them() -> None:
    env = ee_env(obs_mode="rgb")
    place(env, [0.6, 0.0, 0.0], [0.85, 0.2], [0.3, -0.3, 0.2])
    image = env.render_images()[0].permute(1, 2, 0).numpy().astype(int)
    row, col = hand_projection(env, (0.6, 0.0, 0.04))  # centre of the cube's top face
    top = image[row, col]
    assert top[0] > 150 and top[1] < 100 and top[2] < 100  # shaded red
    light = np.array(env.cfg.camera.light_dir) / np.linalg.norm(env.cfg.camera.light_dir)
    ambient = env.cfg.camera.ambient
    expected_top = np.round(np.array(CUBE) * (ambient + (1 - ambient) * light[2]))
    np.testing.assert_allclose(top, expected_top, atol=1)
    row, col = hand_projection(env, (0.85, 0.2, 0.0))
    assert tuple(image[row, col]) == GOAL_CENTRE
    row, col = hand_projection(env, (0.35, 0.35, 0.0))  # bare table
    assert tuple(image[row, col]) == TABLE


def test_a_ray_that_misses_everything_is_background() -> None:
    # Looking level along +y from the table's edge: the upper half sees nothing.
    camera = {"eye": (0.5, -1.0, 0.05), "look_at": (0.5, 0.0, 0.05), "fov_deg": 60.0}
    env = ee_env(obs_mode="rgb", camera=camera)
    image = env.render_images()[0]
    assert tuple(image[:, 2, SIDE // 2].tolist()) == BACKGROUND


def test_depth_of_a_table_pixel_is_the_analytic_distance_along_the_axis() -> None:
    env = ee_env(obs_mode="rgb", camera={"depth": True})
    place(env, [0.6, 0.0, 0.0], [0.85, 0.2], [0.3, -0.3, 0.2])
    obs, _ = env.reset(seed=0)
    place(env, [0.6, 0.0, 0.0], [0.85, 0.2], [0.3, -0.3, 0.2])
    depth = env._observe()["depth"]
    cam = env.cfg.camera
    eye, target = np.array(cam.eye), np.array(cam.look_at)
    forward = (target - eye) / np.linalg.norm(target - eye)
    point = np.array([0.35, 0.35, 0.0])
    row, col = hand_projection(env, tuple(point))
    # The pixel centre's ray meets z = 0 at some point p; depth = (p - eye) . forward.
    right = np.cross(forward, [0, 0, 1.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    focal = cam.height / 2 / math.tan(math.radians(cam.fov_deg) / 2)
    ray = forward + right * (col + 0.5 - cam.width / 2) / focal
    ray = ray + up * (cam.height / 2 - row - 0.5) / focal
    hit = eye + ray * (-eye[2] / ray[2])
    assert depth.dtype == torch.float32 and depth.shape == (2, 1, SIDE, SIDE)
    assert float(depth[0, 0, row, col]) == pytest.approx(float((hit - eye) @ forward), abs=1e-4)
    assert obs["depth"].amax() <= cam.far


def test_background_depth_is_the_far_value() -> None:
    camera = {"eye": (0.5, -1.0, 0.05), "look_at": (0.5, 0.0, 0.05), "depth": True, "far": 7.0}
    env = ee_env(obs_mode="rgb", camera=camera)
    assert float(env._observe()["depth"][0, 0, 2, SIDE // 2]) == 7.0


def test_each_env_renders_alone_whatever_the_batch() -> None:
    big = make_env("PushCubeRL", num_envs=7, obs_mode="rgb")
    big.reset(seed=3)
    state = big.state_dict()
    small = make_env("PushCubeRL", num_envs=1, obs_mode="rgb")
    small.reset(seed=0)
    one = {
        k: (v[4:5].clone() if torch.is_tensor(v) and v.dim() > 0 else v) for k, v in state.items()
    }
    small.load_state_dict(one)
    images = big.render_images()
    assert images.dtype == torch.uint8 and images.shape == (7, 3, SIDE, SIDE)
    torch.testing.assert_close(small.render_images()[0], images[4], rtol=0, atol=0)
    assert not torch.equal(images[4], images[5])


def cube_pixels(env: PushCubeEnv, yaw: float) -> np.ndarray:
    place(env, [0.6, 0.0, yaw], [0.85, 0.25], [0.3, -0.3, 0.2])
    return env.render_images()[0].numpy().astype(int)


def test_cube_yaw_shows_with_its_square_symmetry() -> None:
    env = ee_env(obs_mode="rgb", camera={"width": 96, "height": 96})
    base = cube_pixels(env, 0.1)
    assert np.abs(cube_pixels(env, 0.1 + math.pi / 4) - base).max() > 40
    quarter = np.abs(cube_pixels(env, 0.1 + math.pi / 2) - base)
    assert quarter.max() <= 2  # float rounding at silhouette pixels only


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_renders_what_the_cpu_renders() -> None:
    images = []
    for device in ("cpu", "cuda"):
        env = make_env("PushCubeRL", num_envs=5, device=device, obs_mode="rgb")
        env.reset(seed=1)
        images.append(env.render_images().cpu().int())
    differing = (images[0] - images[1]).abs().amax(dim=1) > 3
    assert differing.float().mean() < 0.002  # a few silhouette pixels at most
