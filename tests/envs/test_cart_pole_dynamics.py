"""CartPole equations of motion against hand-derived values: one substep in the closed form
of Gymnasium's cart-pole (a different arrangement of the same Lagrangian), a horizontal pole
falling at exactly 3g/(4l), the small-angle fall against the linearised cosh solution, the PD
drive's force limit and settling, and energy and momentum conservation without drives."""

from __future__ import annotations

import dataclasses
import math

import pytest
import torch

from embodichain_rl.envs.cart_pole.config import CartPoleConfig
from embodichain_rl.envs.cart_pole.dynamics import (
    CartPoleParams,
    accelerations,
    energy,
    integrate,
    substep,
)

F64 = torch.float64


def params(**changes: float) -> CartPoleParams:
    return dataclasses.replace(CartPoleParams.from_config(CartPoleConfig()), **changes)


def passive(**changes: float) -> CartPoleParams:
    """No drive on either joint: the free cart-pole."""
    free = {"slider_stiffness": 0.0, "slider_damping": 0.0, "pole_stiffness": 0.0}
    return params(**{**free, "pole_damping": 0.0, **changes})


def state(*values: float) -> tuple[torch.Tensor, torch.Tensor]:
    """``(qpos, qvel)`` of one env from x, theta, x', theta'."""
    x, theta, xd, thetad = values
    return torch.tensor([[x, theta]], dtype=F64), torch.tensor([[xd, thetad]], dtype=F64)


def gymnasium_form(
    p: CartPoleParams, theta: float, thetad: float, force: float, torque: float
) -> tuple[float, float]:
    """(x'', theta'') written as Gymnasium's CartPole writes them (uniform rod, 4/3 factor),
    with the pole torque added: an independent arrangement of the equations."""
    total = p.cart_mass + p.pole_mass
    ml = p.pole_mass * p.pole_half_length
    sin, cos = math.sin(theta), math.cos(theta)
    temp = (force + ml * thetad**2 * sin) / total
    theta_acc = (p.gravity * sin - cos * temp + torque / ml) / (
        p.pole_half_length * (4.0 / 3.0 - p.pole_mass * cos**2 / total)
    )
    return temp - ml * theta_acc * cos / total, theta_acc


def test_horizontal_pole_falls_at_three_g_over_four_l() -> None:
    p = passive()
    qpos, qvel = state(0.0, math.pi / 2, 0.0, 0.0)
    zero = torch.zeros(1, dtype=F64)
    acc = accelerations(qpos, qvel, zero, zero, p)
    # cos(theta) = 0 decouples the cart: a rod pivoting about its end, 3 g / (4 l).
    assert acc[0, 1].item() == pytest.approx(3 * 9.81 / (4 * 0.5), rel=1e-12)
    assert acc[0, 0].item() == pytest.approx(0.0, abs=1e-12)


def test_one_substep_matches_the_closed_form_by_hand() -> None:
    p = params()
    x, theta, xd, thetad, offset = 0.1, math.pi / 6, 0.5, 2.0, 0.08
    qpos, qvel = state(x, theta, xd, thetad)
    # Slider target 0.08 m ahead, pole target its own angle: F = 10 * 0.08 - 1 * 0.5 = 0.3 N,
    # tau = 0.01 * 0 - 0.001 * 2 = -0.002 N m (both inside their limits).
    target = torch.tensor([[x + offset, theta]], dtype=F64)
    x_acc, theta_acc = gymnasium_form(p, theta, thetad, 0.3, -0.002)
    new_qpos, new_qvel = substep(qpos, qvel, target, p)
    # Semi-implicit Euler: velocities first, positions from the new velocities.
    dt = 0.01
    expected_vel = (xd + x_acc * dt, thetad + theta_acc * dt)
    expected_pos = (x + expected_vel[0] * dt, theta + expected_vel[1] * dt)
    assert new_qvel[0].tolist() == pytest.approx(expected_vel, rel=1e-12)
    assert new_qpos[0].tolist() == pytest.approx(expected_pos, rel=1e-12)


def test_small_angle_fall_follows_the_linearised_cosh() -> None:
    p = passive(dt=2.5e-4)
    theta0 = 1e-4
    qpos, qvel = state(0.0, theta0, 0.0, 0.0)
    # Linearised: ((M+m)(I+ml^2) - (ml)^2) theta'' = (M+m) m g l theta, theta = theta0 cosh(kt).
    m, half, big_m = p.pole_mass, p.pole_half_length, p.cart_mass
    inertia = m * half**2 / 3
    rate = math.sqrt(
        (big_m + m) * m * 9.81 * half / ((big_m + m) * (inertia + m * half**2) - (m * half) ** 2)
    )
    for seconds in (0.4, 0.8):  # Euler's error grows like rate^2 dt t / 2: 2.5e-3 at 0.8 s
        qpos, qvel = integrate(qpos, qvel, qpos.clone(), p, 1600)
        expected = theta0 * math.cosh(rate * seconds)
        assert qpos[0, 1].item() == pytest.approx(expected, rel=4e-3)
    # The cart recoils so the centre of mass stays put: (M+m) x + m l sin(theta) is constant.
    assert (big_m + m) * qpos[0, 0].item() == pytest.approx(
        -m * half * (math.sin(qpos[0, 1].item()) - math.sin(theta0)), rel=1e-3
    )


def test_slider_drive_force_is_clipped_to_its_effort_limit() -> None:
    p = params(pole_stiffness=0.0, pole_damping=0.0)
    qpos, qvel = state(0.0, math.pi, 0.0, 0.0)  # pole hanging: sin = 0, cos = -1
    target = torch.tensor([[100.0, math.pi]], dtype=F64)  # 10 N/m * 100 m = 1000 N, clipped
    _, new_qvel = substep(qpos, qvel, target, p)
    m, half, big_m = p.pole_mass, p.pole_half_length, p.cart_mass
    a22 = 4.0 / 3.0 * m * half**2
    x_acc = 100.0 * a22 / ((big_m + m) * a22 - (m * half) ** 2)
    assert new_qvel[0, 0].item() == pytest.approx(x_acc * 0.01, rel=1e-12)


def test_slider_drive_settles_the_cart_on_its_target() -> None:
    p = params(pole_stiffness=0.0, pole_damping=0.05)  # a damped hanging pendulum rides along
    qpos, qvel = state(0.0, math.pi, 0.0, 0.0)  # hanging pole: the stable equilibrium
    target = torch.tensor([[0.3, math.pi]], dtype=F64)
    qpos, qvel = integrate(qpos, qvel, target, p, 3000)  # 30 s at the task's 0.01 s
    assert qpos[0, 0].item() == pytest.approx(0.3, abs=1e-3)
    assert qvel[0].abs().max().item() < 1e-3


def test_free_cart_pole_conserves_energy_and_momentum() -> None:
    p = passive(dt=2.5e-4)
    qpos, qvel = state(0.0, 1.0, 0.3, 0.0)
    m, half = p.pole_mass, p.pole_half_length

    def momentum(qpos: torch.Tensor, qvel: torch.Tensor) -> float:
        cos = torch.cos(qpos[:, 1])
        return ((p.cart_mass + m) * qvel[:, 0] + m * half * cos * qvel[:, 1]).item()

    e0, p0 = energy(qpos, qvel, p).item(), momentum(qpos, qvel)
    qpos, qvel = integrate(qpos, qvel, qpos.clone(), p, 6000)  # 1.5 s: the pole falls past
    assert qpos[0, 1].item() > 2.0
    assert energy(qpos, qvel, p).item() == pytest.approx(e0, rel=2e-3)
    assert momentum(qpos, qvel) == pytest.approx(p0, rel=2e-3)


def test_energy_drains_with_pole_damping() -> None:
    p = passive(pole_damping=0.001, dt=0.01)
    qpos, qvel = state(0.0, math.pi - 0.5, 0.0, 0.0)  # swinging about the hanging position
    e0 = energy(qpos, qvel, p).item()
    qpos, qvel = integrate(qpos, qvel, qpos.clone(), p, 500)
    assert energy(qpos, qvel, p).item() < e0 - 2e-3
