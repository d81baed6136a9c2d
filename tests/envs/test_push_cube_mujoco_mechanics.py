"""Mechanics of the PushCube MuJoCo scene, checked against geometry and Coulomb's law: a
centre push translates, an off-centre push turns the physical way, a released cube stops, the
cube stays on the table, joint limits hold, and MuJoCo's kinematics equal our closed form."""

from __future__ import annotations

import math

import mujoco
import pytest
import torch

from embodichain_rl.envs.push_cube.kinematics import tcp_position
from embodichain_rl.envs.push_cube_mujoco import PushCubeMuJoCoConfig, PushCubeMuJoCoEnv
from embodichain_rl.envs.push_cube_mujoco.scene import TCP_SITE, build_mjcf

H, R = 0.02, 0.01
CUBE_X = 0.6


def _env(num_envs: int, **overrides: object) -> PushCubeMuJoCoEnv:
    env = PushCubeMuJoCoEnv(num_envs=num_envs, control_mode="ee_delta_pos", **overrides)
    env.reset(seed=0)
    return env


def _place_tcp_behind(env: PushCubeMuJoCoEnv, lateral: torch.Tensor, gap: float = 0.005) -> None:
    """Cube at (CUBE_X, 0, yaw 0), TCP at mid-height ``gap`` behind its -x face."""
    n = env.num_envs
    tcp = torch.stack(
        (torch.full((n,), CUBE_X - H - R - gap), lateral, torch.full((n,), H)), dim=-1
    )
    q = env.joint_targets_for(tcp, env.q_target)
    q = env.joint_targets_for(tcp, q)
    cube = torch.tensor([[CUBE_X, 0.0, 0.0]]).expand(n, 3)
    env.set_sim_state(q, cube)
    torch.testing.assert_close(env.tcp, tcp, atol=1e-4, rtol=0)


def _cube_z(env: PushCubeMuJoCoEnv) -> torch.Tensor:
    return env.backend.qpos()[:, 8]


def _run(env: PushCubeMuJoCoEnv, action: torch.Tensor, steps: int) -> list[torch.Tensor]:
    poses = []
    for _ in range(steps):
        env.step(action)
        poses.append(env.cube.clone())
    return poses


def test_mujoco_kinematics_equal_the_closed_form_fk() -> None:
    cfg = PushCubeMuJoCoConfig()
    model = mujoco.MjModel.from_xml_string(build_mjcf(cfg))
    data = mujoco.MjData(model)
    gen = torch.Generator().manual_seed(0)
    for q in [torch.tensor(cfg.init_qpos), *(torch.rand(5, 6, generator=gen) * 6 - 3)]:
        data.qpos[:6] = q.numpy()
        mujoco.mj_kinematics(model, data)
        ours = tcp_position(q.to(torch.float64), cfg.tool_offset)
        assert torch.allclose(torch.from_numpy(data.site(TCP_SITE).xpos.copy()), ours, atol=1e-9)


def test_centre_push_translates_without_rotation() -> None:
    # Pushing a face centre with a point contact is an unstable equilibrium (like pushing a
    # pencil): millimetres of tracking error grow into a turn over tens of centimetres. Over a
    # short, slow push the cube must translate straight ahead.
    env = _env(1, max_episode_steps=None, terminate_on_success=False)
    _place_tcp_behind(env, torch.zeros(1))
    poses = _run(env, torch.tensor([[0.25, 0.0, 0.0]]), 16)  # 5 mm per step along +x
    final = poses[-1][0]
    assert final[0] - CUBE_X > 0.05  # 8 cm of TCP travel minus the gap and the lag
    assert abs(float(final[1])) < 3e-3 and abs(float(final[2])) < 0.05
    # The cube rides just ahead of the pusher: centre-to-TCP distance about h + r.
    assert abs(float(final[0] - env.tcp[0, 0]) - (H + R)) < 4e-3


def test_off_centre_push_turns_the_physical_way() -> None:
    # Pushing +x on the back face at y > 0: torque r x F = -y f < 0, yaw decreases.
    env = _env(2, max_episode_steps=None, terminate_on_success=False)
    _place_tcp_behind(env, torch.tensor([0.012, -0.012]))
    final = _run(env, torch.tensor([[0.5, 0.0, 0.0]] * 2), 15)[-1]
    assert final[0, 2] < -0.05 and final[1, 2] > 0.05
    assert abs(float(final[0, 2] + final[1, 2])) < 0.02  # mirror images


def test_released_cube_decelerates_and_stops_on_the_table() -> None:
    env = _env(1, max_episode_steps=None, terminate_on_success=False)
    _place_tcp_behind(env, torch.zeros(1))
    _run(env, torch.tensor([[1.0, 0.0, 0.0]]), 8)  # 2 cm/step: the cube slides on
    _run(env, torch.tensor([[-1.0, 0.0, 0.5]]), 2)  # pull the pusher back and up
    speeds = []
    for _ in range(25):
        env.step(torch.zeros(1, 3))
        speeds.append(float(env.cube_vel[0, :2].norm()))
    # Coulomb friction mu g = 4.9 m/s^2 stops a cube at well under 0.5 m/s within 0.1 s.
    assert max(speeds[5:]) < 1e-3
    resting = env.cube.clone()
    _run(env, torch.zeros(1, 3), 10)
    torch.testing.assert_close(env.cube, resting, atol=1e-4, rtol=0)
    assert abs(float(_cube_z(env)[0]) - H) < 1e-3


def test_cube_stays_on_the_table_under_random_pushing() -> None:
    env = PushCubeMuJoCoEnv(num_envs=16, control_mode="joint_delta_pos")
    env.reset(seed=1)
    gen = torch.Generator().manual_seed(1)
    lowest = math.inf
    for _ in range(60):
        env.step(torch.rand(16, 6, generator=gen) * 2 - 1)
        z = _cube_z(env)
        lowest = min(lowest, float(z.min()))
        assert float(z.max()) < 3 * H  # never launched off the table
    assert lowest > H - 2e-3  # at most ~2 mm of soft-contact penetration


@pytest.mark.parametrize("direction", [1.0, -1.0])
def test_joint_limits_hold(direction: float) -> None:
    lower = (-6.2832, -6.2832, -2.6, -6.2832, -6.2832, -6.2832)
    upper = (6.2832, 6.2832, 2.6, 6.2832, 6.2832, 6.2832)
    env = PushCubeMuJoCoEnv(
        num_envs=2, joint_lower=lower, joint_upper=upper, max_episode_steps=None
    )
    env.reset(seed=0)
    action = torch.zeros(2, 6)
    action[:, 2] = direction  # drive the elbow into its limit for 2 s
    for _ in range(50):
        env.step(action)
        assert (env.qpos[:, 2] <= 2.6 + 0.01).all() and (env.qpos[:, 2] >= -2.6 - 0.01).all()
    if direction > 0:
        assert (env.qpos[:, 2] > 2.55).all()  # it reached the limit and stayed
