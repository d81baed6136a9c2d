"""PushCube's obs_mode: the observation dict per mode and its config checks."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
import torch

from embodichain_rl.envs import make_env
from embodichain_rl.envs.push_cube import PushCubeConfig
from embodichain_rl.envs.push_cube.camera import CameraConfig

MODES = {
    # (obs_mode, control_mode, depth): expected keys and single shapes
    ("rgb", "joint_delta_pos", False): {"rgb": (3, 48, 40), "privileged": (29,)},
    ("rgb_state", "joint_delta_pos", True): {
        "rgb": (3, 48, 40),
        "depth": (1, 48, 40),
        "state": (17,),
        "privileged": (29,),
    },
    ("rgb_state", "ee_delta_pos", False): {"rgb": (3, 48, 40), "state": (5,), "privileged": (17,)},
}


@pytest.mark.parametrize(("key", "expected"), MODES.items(), ids=lambda x: str(x))
def test_obs_dict_keys_dtypes_and_shapes(key: tuple[str, str, bool], expected: dict) -> None:
    obs_mode, control_mode, depth = key
    camera = {"width": 40, "height": 48, "depth": depth}
    env = make_env(
        "PushCubeRL", num_envs=3, obs_mode=obs_mode, control_mode=control_mode, camera=camera
    )
    space = env.single_observation_space
    assert isinstance(space, gym.spaces.Dict)
    assert [(k, tuple(s.shape)) for k, s in space.items()] == list(expected.items())
    obs, _ = env.reset(seed=0)
    action = torch.zeros(3, env.single_action_space.shape[0])
    step_obs, _, _, _, info = env.step(action)
    for got in (obs, step_obs, info["final_obs"]):
        assert list(got) == list(expected)
        for name, shape in expected.items():
            assert got[name].shape == (3, *shape)
            assert got[name].dtype == (torch.uint8 if name == "rgb" else torch.float32)
            assert space[name].contains(got[name][0].numpy())
    assert space["rgb"].dtype == np.uint8 and space["rgb"].high.max() == 255


def test_privileged_is_the_state_vector_and_state_what_the_robot_knows() -> None:
    pixels = make_env("PushCubeRL", num_envs=4, obs_mode="rgb_state")
    flat = make_env("PushCubeRL", num_envs=4)
    obs, _ = pixels.reset(seed=5)
    expected, _ = flat.reset(seed=5)
    torch.testing.assert_close(obs["privileged"], expected, rtol=0, atol=0)
    joints = torch.cat((pixels.qpos, pixels.qvel, pixels.tcp, pixels.goal), dim=-1)
    torch.testing.assert_close(obs["state"], joints, rtol=0, atol=0)
    action = torch.full((4, 6), 0.3)
    obs, *_ = pixels.step(action)
    expected, *_ = flat.step(action)
    torch.testing.assert_close(obs["privileged"], expected, rtol=0, atol=0)


def test_render_shows_the_policy_view_in_pixel_modes_and_top_down_in_state() -> None:
    env = make_env("PushCubeRL", num_envs=2, obs_mode="rgb")
    obs, _ = env.reset(seed=2)
    frame = env.render(1)
    assert frame.dtype == np.uint8 and frame.shape == (64, 64, 3)
    np.testing.assert_array_equal(frame, obs["rgb"][1].permute(1, 2, 0).numpy())
    state_env = make_env("PushCubeRL", num_envs=2)
    state_env.reset(seed=2)
    assert state_env.render(1).shape == (400, 400, 3)
    torch.testing.assert_close(state_env.render_images(), obs["rgb"], rtol=0, atol=0)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"obs_mode": "pixels"}, r"obs_mode must be one of \['state', 'rgb', 'rgb_state'\]"),
        ({"camera": {"width": 4}}, r"width must be in \[8, 512\], got 4"),
        ({"camera": {"fov_deg": 180.0}}, r"fov_deg must be in \(0, 180\)"),
        ({"camera": {"eye": (1, 1, 1), "look_at": (1, 1, 1)}}, "look_at must differ from eye"),
        ({"camera": {"eye": (0, 0, 1), "look_at": (0, 0, 0)}}, "straight above or below"),
    ],
)
def test_bad_obs_mode_or_camera_raises_one_line(overrides: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message) as error:
        make_env("PushCubeRL", num_envs=1, **overrides)
    assert "\n" not in str(error.value)


def test_unknown_keys_raise_type_errors_listing_the_valid_ones() -> None:
    with pytest.raises(TypeError, match=r"unknown camera key\(s\) \['zoom'\]; valid keys: "):
        make_env("PushCubeRL", num_envs=1, camera={"zoom": 2})
    with pytest.raises(TypeError, match="unexpected keyword argument 'cameras'"):
        make_env("PushCubeRL", num_envs=1, cameras={})


def test_camera_mapping_overrides_only_the_named_fields() -> None:
    cfg = PushCubeConfig().replace(camera={"width": 48, "eye": [1.0, 0.0, 1.0]})
    assert cfg.camera == CameraConfig(width=48, eye=(1.0, 0.0, 1.0))
    assert cfg.camera.height == CameraConfig().height
