"""UR10 forward kinematics against an independent DH chain and hand-computed poses."""

from __future__ import annotations

import math

import torch

from embodichain_rl.envs.push_cube import PushCubeConfig
from embodichain_rl.envs.push_cube.kinematics import frame_origins, position_jacobian, tcp_position

DH = [  # (d, a, alpha) of the UR10, standard convention
    (0.1273, 0.0, math.pi / 2),
    (0.0, -0.612, 0.0),
    (0.0, -0.5723, 0.0),
    (0.163941, 0.0, math.pi / 2),
    (0.1157, 0.0, -math.pi / 2),
    (0.0922, 0.0, 0.0),
]


def dh_chain_tcp(q: list[float], tool: float) -> torch.Tensor:
    """TCP by multiplying the six standard DH matrices (the textbook definition)."""
    pose = torch.eye(4, dtype=torch.float64)
    for theta, (d, a, alpha) in zip(q, DH, strict=True):
        ct, st, ca, sa = math.cos(theta), math.sin(theta), math.cos(alpha), math.sin(alpha)
        link = torch.tensor(
            [
                [ct, -st * ca, st * sa, a * ct],
                [st, ct * ca, -ct * sa, a * st],
                [0.0, sa, ca, d],
                [0.0, 0.0, 0.0, 1.0],
            ],
            dtype=torch.float64,
        )
        pose = pose @ link
    return pose[:3, 3] + tool * pose[:3, 2]


def test_closed_form_matches_dh_chain() -> None:
    gen = torch.Generator().manual_seed(1)
    q = torch.rand(20, 6, generator=gen, dtype=torch.float64) * 2 * math.pi - math.pi
    fast = tcp_position(q, 0.16)
    for i in range(q.shape[0]):
        expected = dh_chain_tcp(q[i].tolist(), 0.16)
        assert torch.allclose(fast[i], expected, atol=1e-12)
        assert torch.allclose(frame_origins(q[i], 0.16)[-1], expected, atol=1e-12)


def test_zero_pose_by_hand() -> None:
    # q = 0: arm stretched along -x; the TCP sits d4 + d6 + tool to the -y side, d1 - d5 high.
    tcp = tcp_position(torch.zeros(6, dtype=torch.float64), 0.16)
    expected = torch.tensor([-0.612 - 0.5723, -(0.163941 + 0.0922 + 0.16), 0.1273 - 0.1157])
    assert torch.allclose(tcp, expected.double(), atol=1e-12)


def test_default_start_pose_is_above_the_table_in_front_with_tool_down() -> None:
    cfg = PushCubeConfig()
    q = torch.tensor(cfg.init_qpos, dtype=torch.float64)
    tcp = tcp_position(q, cfg.tool_offset)
    assert torch.allclose(tcp, torch.tensor([0.45, 0.0, 0.05], dtype=torch.float64), atol=1e-3)
    origins = frame_origins(q, cfg.tool_offset)
    tool_axis = origins[-1] - origins[-2]  # flange -> TCP
    assert torch.allclose(
        tool_axis / tool_axis.norm(), torch.tensor([0.0, 0.0, -1.0]).double(), atol=1e-3
    )


def test_jacobian_matches_finite_difference_of_a_joint() -> None:
    q = torch.tensor(PushCubeConfig().init_qpos, dtype=torch.float64)
    jac = position_jacobian(q, 0.16)
    # Joint 1 rotates the TCP about the base z axis: dp/dq1 = z x p.
    p = tcp_position(q, 0.16)
    assert torch.allclose(
        jac[:, 0], torch.stack((-p[1], p[0], torch.zeros(()).double())), atol=1e-6
    )
    # Joint 6 spins the tool about its own axis: the TCP does not move.
    assert torch.allclose(jac[:, 5], torch.zeros(3, dtype=torch.float64), atol=1e-9)
