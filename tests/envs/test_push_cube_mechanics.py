"""The six mechanics checks of the PushCube spec, driven through the contact module."""

from __future__ import annotations

import math

import torch

from embodichain_rl.envs.push_cube.contact import ContactParams, footprint, substep

H, R = 0.02, 0.01
MU, G, MASS = 0.5, 9.81, 0.1
DT = 0.01
P = ContactParams.build(half=H, radius=R, mass=MASS, mu_table=MU, mu_pusher=0.3, gravity=G, dt=DT)
INERTIA = 2.0 / 3.0 * MASS * H * H


def run(cube: torch.Tensor, tcp: torch.Tensor, velocity: torch.Tensor, steps: int):
    """Move the TCP at constant ``velocity`` (m/substep) for ``steps`` substeps."""
    vel = torch.zeros_like(cube)
    poses, depths, tcps, twists = [], [], [], []
    for _ in range(steps):
        cube, vel, tcp = substep(cube, vel, tcp, tcp + velocity, P)
        poses.append(cube)
        twists.append(vel)
        tcps.append(tcp)
        low = tcp[:, 2] < 2 * H
        depths.append(torch.where(low, footprint(tcp[:, :2], cube, P).depth, -1.0))
    return torch.stack(poses), torch.stack(twists), torch.stack(tcps), torch.stack(depths)


def row(*values: float) -> torch.Tensor:
    return torch.tensor([values], dtype=torch.float32)


def test_centre_push_translates_without_rotation() -> None:
    cube = row(0.0, 0.0, 0.0)
    tcp = row(-H - R - 0.005, 0.0, H)
    poses, twists, tcps, _ = run(cube, tcp, row(0.004, 0.0, 0.0), 30)
    final = poses[-1, 0]
    assert final[0] > 0.09  # pushed about 30 * 4 mm minus the initial 5 mm gap
    assert abs(float(final[1])) < 1e-7 and abs(float(final[2])) < 1e-7
    assert twists[:, 0, 2].abs().max() < 1e-6
    # Cube stays just ahead of the pusher: centre-to-TCP gap is h + r.
    assert torch.allclose(final[0] - tcps[-1, 0, 0], torch.tensor(H + R), atol=1e-3)


def test_off_centre_push_rotates_the_physical_way() -> None:
    # Pushing +x at a point with y > 0 on the back face: the contact arm r = (-h, +y) and the
    # force F = (+f, 0) give torque r_x F_y - r_y F_x = -y f < 0, so yaw must decrease
    # (clockwise seen from above). Mirrored offset: counter-clockwise.
    cube = torch.zeros(2, 3)
    tcp = torch.tensor([[-H - R - 0.002, 0.012, H], [-H - R - 0.002, -0.012, H]])
    poses, twists, _, _ = run(cube, tcp, row(0.003, 0.0, 0.0).expand(2, 3), 8)
    assert poses[-1, 0, 2] < -1e-3
    assert poses[-1, 1, 2] > 1e-3
    assert torch.allclose(poses[-1, 0, 2], -poses[-1, 1, 2], atol=1e-6)
    assert (twists[2:, 0, 2] <= 0).all()


def test_tcp_moving_away_never_moves_the_cube() -> None:
    cube = row(0.1, -0.05, 0.3)
    # Touching the face at local -x (within 0.1 mm) and withdrawing along -x of the cube frame.
    c, s = math.cos(0.3), math.sin(0.3)
    gap = H + R + 1e-4
    tcp = row(0.1 - c * gap, -0.05 - s * gap, H)
    poses, twists, _, _ = run(cube, tcp, row(-0.004 * c, -0.004 * s, 0.0), 20)
    assert torch.equal(poses[-1], cube)
    assert torch.equal(twists.abs().sum(), torch.tensor(0.0))


def test_tcp_sweeping_above_the_top_face_never_moves_the_cube() -> None:
    cube = row(0.0, 0.0, 0.2)
    tcp = row(-0.1, 0.003, 2 * H + R + 0.001)
    poses, _, tcps, _ = run(cube, tcp, row(0.005, 0.0, -0.0004), 40)
    assert torch.equal(poses[-1], cube)
    # Coming from above, the TCP rides over the top instead of sinking into the cube.
    over = (tcps[:, 0, 0].abs() < H) & (tcps[:, 0, 1].abs() < H)
    assert over.any()
    assert (tcps[over][:, 0, 2] >= 2 * H + R - 1e-6).all()


def test_tcp_descending_onto_the_cube_is_stopped_at_the_top() -> None:
    cube = row(0.0, 0.0, 0.0)
    tcp = row(0.0, 0.0, 0.1)
    poses, _, tcps, _ = run(cube, tcp, row(0.0, 0.0, -0.01), 20)
    assert torch.equal(poses[-1], cube)
    assert torch.allclose(tcps[-1, 0, 2], torch.tensor(2 * H + R))


def test_penetration_stays_below_one_millimetre() -> None:
    gen = torch.Generator().manual_seed(0)
    n = 64
    yaw = torch.rand(n, generator=gen) * math.pi
    heading = torch.rand(n, generator=gen) * 2 * math.pi
    offset = (torch.rand(n, generator=gen) - 0.5) * 0.05
    direction = torch.stack((torch.cos(heading), torch.sin(heading)), -1)
    side = torch.stack((-direction[:, 1], direction[:, 0]), -1)
    start = -0.06 * direction + offset[:, None] * side
    cube = torch.stack((torch.zeros(n), torch.zeros(n), yaw), -1)
    tcp = torch.cat((start, torch.full((n, 1), H)), -1)
    speed = torch.rand(n, generator=gen) * 0.006 + 0.001  # 0.1 - 0.7 m/s
    velocity = torch.cat((direction * speed[:, None], torch.zeros(n, 1)), -1)
    poses, _, _, depths = run(cube, tcp, velocity, 60)
    assert depths.max() < 1e-3
    moved = (poses[-1, :, :2] - cube[:, :2]).norm(dim=-1)
    assert (moved > 0.0).float().mean() > 0.5  # most of these pushes made contact


def test_released_cube_decelerates_monotonically_and_stops() -> None:
    cube = torch.zeros(3, 3)
    vel = torch.tensor([[0.5, 0.2, 3.0], [0.0, -0.3, 0.0], [0.0, 0.0, -8.0]])
    far = torch.tensor([[1.0, 1.0, H]]).expand(3, 3)
    energies, twists = [], []
    for _ in range(100):
        cube, vel, _ = substep(cube, vel, far, far, P)
        energies.append(0.5 * MASS * (vel[:, :2] ** 2).sum(-1) + 0.5 * INERTIA * vel[:, 2] ** 2)
        twists.append(vel)
    energy = torch.stack(energies)
    twist = torch.stack(twists)
    assert (energy[1:] <= energy[:-1] + 1e-12).all()
    assert (energy[-1] == 0).all()
    # Coulomb friction never reverses a component: every sign stays that of the launch.
    launch = torch.tensor([[0.5, 0.2, 3.0], [0.0, -0.3, 0.0], [0.0, 0.0, -8.0]])
    assert (twist * launch.sign() >= 0).all()
    # Pure translation stops after v / (mu g) seconds (hand value: 0.3 / 4.905 = 0.061 s).
    stopped = (twist[:, 1].abs().sum(-1) == 0).nonzero()[0, 0]
    assert int(stopped) + 1 == math.ceil(0.3 / (MU * G * DT))


def test_contact_is_independent_of_the_batch() -> None:
    gen = torch.Generator().manual_seed(3)
    n = 9
    cube = torch.cat((torch.rand(n, 2, generator=gen) * 0.02, torch.rand(n, 1, generator=gen)), -1)
    tcp = torch.cat(
        (
            torch.full((n, 1), -0.035),
            torch.rand(n, 1, generator=gen) * 0.04 - 0.02,
            torch.full((n, 1), H),
        ),
        -1,
    )
    velocity = torch.cat((torch.rand(n, 2, generator=gen) * 0.004, torch.zeros(n, 1)), -1)
    batched = run(cube, tcp, velocity, 25)
    for i in (0, 4, 8):
        alone = run(cube[i : i + 1], tcp[i : i + 1], velocity[i : i + 1], 25)
        for got, want in zip(alone, batched, strict=True):
            assert torch.equal(got[:, 0], want[:, i])
