"""PushCubeEnv specifics: registration, config overrides, clipping, the observation layout
(the batched-env contract shared with PushCubeMuJoCo: test_push_cube_backends_contract)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from embodichain_rl.envs import make_env, registered_envs
from embodichain_rl.envs.push_cube import ObservationLayout, PushCubeConfig, PushCubeEnv


def test_registered_and_built_through_make_env() -> None:
    assert "PushCubeRL" in registered_envs()
    env = make_env("PushCubeRL", num_envs=3, control_mode="ee_delta_pos")
    assert isinstance(env, PushCubeEnv)
    assert env.max_episode_steps == 100 and env.num_envs == 3


def test_config_object_and_overrides() -> None:
    cfg = PushCubeConfig(cube_half_size=0.03, control_mode="ee_delta_pos")
    env = PushCubeEnv(cfg=cfg, success_threshold=0.05)
    assert env.cfg.cube_half_size == 0.03 and env.cfg.success_threshold == 0.05
    assert env.cfg.control_mode == "ee_delta_pos"
    assert cfg.success_threshold == 0.1  # the caller's config is not mutated


def test_unknown_kwarg_names_the_key_and_the_valid_ones() -> None:
    with pytest.raises(TypeError, match="cube_halfsize") as err:
        PushCubeEnv(cube_halfsize=0.03)
    assert "cube_half_size" in str(err.value)


def test_invalid_values_are_rejected() -> None:
    with pytest.raises(ValueError, match="control_mode"):
        PushCubeEnv(control_mode="torque")
    with pytest.raises(ValueError, match="sim_substeps"):
        PushCubeEnv(sim_substeps=0)


def test_out_of_range_actions_are_clipped() -> None:
    a = PushCubeEnv(num_envs=2)
    b = PushCubeEnv(num_envs=2)
    a.reset(seed=4)
    b.reset(seed=4)
    big = torch.tensor([[5.0, -7.0, 3.0, 1.5, -2.0, 9.0]] * 2)
    out_a = a.step(big)
    out_b = b.step(big.clamp(-1, 1))
    torch.testing.assert_close(out_a[0], out_b[0])
    torch.testing.assert_close(out_a[1], out_b[1])


def test_layout_slices_cover_the_vector() -> None:
    layout = ObservationLayout.for_mode("joint_delta_pos")
    slices = layout.slices
    assert slices["qpos"] == slice(0, 6) and slices["cube_to_goal"].stop == layout.dim
    env = PushCubeEnv(num_envs=2)
    obs, _ = env.reset(seed=0)
    torch.testing.assert_close(obs[:, slices["qpos"]], env.qpos)
    torch.testing.assert_close(obs[:, slices["tcp_pos"]], env.tcp)
    torch.testing.assert_close(obs[:, slices["goal_xy"]], env.goal)
    torch.testing.assert_close(obs[:, slices["cube_to_goal"]], env.goal - env.cube[:, :2])
    yaw = env.cube[:, 2]
    torch.testing.assert_close(
        obs[:, slices["cube_yaw"]], torch.stack((torch.sin(4 * yaw), torch.cos(4 * yaw)), -1)
    )


def test_yaw_encoding_has_the_cube_symmetry() -> None:
    env = PushCubeEnv(num_envs=2, control_mode="ee_delta_pos")
    env.reset(seed=0)
    env.cube = torch.tensor([[0.6, 0.0, 0.1], [0.6, 0.0, 0.1 + np.pi / 2]])
    env.goal = torch.tensor([[0.8, 0.0], [0.8, 0.0]])
    env.tcp = torch.tensor([[0.45, 0.0, 0.05], [0.45, 0.0, 0.05]])
    obs = env._observe()
    torch.testing.assert_close(obs[0], obs[1], atol=1e-6, rtol=0)


def test_steps_skip_autograd_yet_hand_out_ordinary_tensors() -> None:
    """The env's state changes under inference mode (the fast path); what it hands out are
    ordinary tensors, so a policy can take gradients through them, and every later touch of
    the env outside inference mode (reset, state round trip) works; a compiled trace takes the
    no_grad path instead."""
    env = PushCubeEnv(num_envs=4)
    env.reset(seed=0)
    obs, reward, terminated, truncated, info = env.step(torch.zeros(4, env.action_dim))
    assert torch.is_inference(env.tcp)
    outputs = [obs, reward, terminated, truncated, info["final_obs"]]
    outputs += [*info["rewards"].values(), *info["metrics"].values()]
    assert not any(torch.is_inference(tensor) for tensor in outputs)
    layer = torch.nn.Linear(env.obs_dim, 1)
    layer(obs).sum().backward()
    assert layer.weight.grad is not None
    env.load_state_dict(env.state_dict())
    again, _ = env.reset(seed=0)  # in-place resets of state the steps created
    assert not torch.is_inference(again)

    compiled_step = torch.compile(env.step, backend="eager", fullgraph=False)
    traced_obs, *_ = compiled_step(torch.zeros(4, env.action_dim))
    assert traced_obs.shape == obs.shape
