"""SAC's math against hand-computed numbers: the soft target with and without termination
and truncation (through the replay buffer, 1- and n-step), the Polyak update, the actor
and entropy-coefficient losses, and one full training step."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from embodichain_rl.algorithms.off_policy.sac import SAC
from embodichain_rl.algorithms.off_policy.targets import (
    actor_loss,
    alpha_loss,
    critic_loss,
    polyak_update,
    soft_q_target,
)
from embodichain_rl.buffer.replay_buffer import ReplayBuffer
from embodichain_rl.policies.squashed_gaussian import SquashedGaussianActorCritic

GAMMA = 0.9


def _sorted_batch(n_step: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Rows: plain step (r=1), terminated (r=2), truncated (r=3), plain (r=4), plain (r=5).
    Returns (start obs, rewards, bootstrap) for each distinct start, sorted by start."""
    buf = ReplayBuffer(
        capacity=8, num_envs=1, obs_dim=1, action_dim=1, device="cpu", gamma=GAMMA, n_step=n_step
    )
    flags = [(False, False), (True, False), (False, True), (False, False), (False, False)]
    for t, (term, trunc) in enumerate(flags):
        buf.add(
            torch.tensor([[float(t)]]),
            torch.zeros(1, 1),
            torch.tensor([float(t + 1)]),
            torch.tensor([[t + 0.5]]),
            torch.tensor([term]),
            torch.tensor([trunc]),
        )
    batch = buf.sample(300, generator=torch.Generator().manual_seed(0))
    starts = torch.unique(batch.obs[:, 0])  # sorted; every start is drawn among 300
    first = torch.stack([(batch.obs[:, 0] == s).nonzero()[0, 0] for s in starts])
    return starts, batch.rewards[first], batch.bootstrap[first]


def test_soft_target_one_step_terminated_truncated_by_hand() -> None:
    starts, rewards, bootstrap = _sorted_batch(n_step=1)
    assert starts.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    next_q = torch.tensor([[10.0, 10.0, 10.0, 10.0, 10.0], [12.0, 8.0, 9.0, 11.0, 7.0]])
    next_log_prob = torch.tensor([-1.0, -1.0, 2.0, 0.0, 1.0])
    alpha = torch.tensor(0.5)
    target = soft_q_target(rewards, bootstrap, next_q, next_log_prob, alpha)
    # soft value = min Q - alpha * log pi: 10.5, 8.5, 8.0, 10.0, 6.5
    expected = [
        1 + GAMMA * 10.5,  # plain: bootstrap
        2.0,  # terminated: reward only
        3 + GAMMA * 8.0,  # truncated: still bootstraps (from the true final obs)
        4 + GAMMA * 10.0,
        5 + GAMMA * 6.5,
    ]
    assert target.tolist() == pytest.approx(expected)


def test_soft_target_three_step_by_hand() -> None:
    _, rewards, bootstrap = _sorted_batch(n_step=3)
    g = GAMMA
    assert rewards.tolist() == pytest.approx([1 + g * 2, 2.0, 3.0, 4 + g * 5, 5.0])
    assert bootstrap.tolist() == pytest.approx([0.0, 0.0, g, g**2, g])
    soft_value = torch.full((2, 5), 7.0)
    target = soft_q_target(rewards, bootstrap, soft_value, torch.zeros(5), torch.tensor(1.0))
    assert target.tolist() == pytest.approx(
        [1 + g * 2, 2.0, 3 + g * 7, 4 + g * 5 + g**2 * 7, 5 + g * 7]
    )


def test_polyak_update_by_hand() -> None:
    target, online = nn.Linear(1, 1), nn.Linear(1, 1)
    with torch.no_grad():
        target.weight.fill_(1.0)
        target.bias.fill_(-2.0)
        online.weight.fill_(3.0)
        online.bias.fill_(2.0)
    polyak_update(target, online, tau=0.25)
    assert target.weight.item() == pytest.approx(0.75 * 1 + 0.25 * 3)
    assert target.bias.item() == pytest.approx(0.75 * -2 + 0.25 * 2)
    assert online.weight.item() == 3.0  # the online network is untouched


def test_critic_and_actor_losses_by_hand() -> None:
    q = torch.tensor([[1.0, 2.0], [3.0, 0.0]])
    target = torch.tensor([2.0, 2.0])
    assert critic_loss(q, target).item() == pytest.approx((1 + 0) / 2 + (1 + 4) / 2)
    log_prob = torch.tensor([-1.0, 0.5])
    # min Q = [1, 0]; alpha * log pi - min Q = [-0.2 - 1, 0.1 - 0]
    assert actor_loss(q, log_prob, torch.tensor(0.2)).item() == pytest.approx((-1.2 + 0.1) / 2)


def test_entropy_coefficient_loss_value_and_direction() -> None:
    log_alpha = torch.tensor(math.log(0.5), requires_grad=True)
    log_prob = torch.tensor([-1.0, -3.0])  # entropy estimate 2 nats, above the target
    loss = alpha_loss(log_alpha, log_prob, target_entropy=-1.0)
    assert loss.item() == pytest.approx(-math.log(0.5) * ((-1 - 1) + (-3 - 1)) / 2)
    loss.backward()
    assert log_alpha.grad is not None
    assert log_alpha.grad.item() == pytest.approx(3.0)  # descent lowers alpha
    low_entropy = alpha_loss(torch.tensor(0.0, requires_grad=True), torch.tensor([2.0]), -1.0)
    assert low_entropy.item() == 0.0  # log alpha = 0 -> 0, but the slope flips sign:
    log_alpha2 = torch.tensor(0.0, requires_grad=True)
    alpha_loss(log_alpha2, torch.tensor([2.0]), -1.0).backward()
    assert log_alpha2.grad is not None and log_alpha2.grad.item() == pytest.approx(-1.0)


def _sac(**hyper: object) -> SAC:
    torch.manual_seed(0)
    net = {"hidden_sizes": [16], "activation": "relu"}
    policy = SquashedGaussianActorCritic(
        obs_dim=2,
        action_dim=2,
        action_low=[-1.0, 0.0],
        action_high=[1.0, 4.0],
        actor=net,
        critic=net,
        normalize_obs=False,
    )
    options = {"batch_size": 8, "learning_starts": 8, "buffer_size": 64, **hyper}
    return SAC(policy=policy, device="cpu", **options)  # type: ignore[arg-type]


def test_one_train_step_moves_targets_by_tau_and_alpha_toward_the_target() -> None:
    sac = _sac(tau=0.2, init_alpha=0.3, alpha_learning_rate=0.1, target_entropy=100.0)
    assert sac.target_entropy == 100.0
    assert _sac().target_entropy == -2.0  # default: -action_dim
    sac.initialize_buffer(4, 2, 2, 2)
    gen = torch.Generator().manual_seed(0)
    for _ in range(4):
        sac.buffer.add(  # type: ignore[union-attr]
            torch.randn(2, 2, generator=gen),
            torch.rand(2, 2, generator=gen),
            torch.randn(2, generator=gen),
            torch.randn(2, 2, generator=gen),
            torch.zeros(2, dtype=torch.bool),
            torch.zeros(2, dtype=torch.bool),
        )
    old_target = [p.clone() for p in sac.target_critic.parameters()]
    batch = sac.buffer.sample(8, sac.generator)  # type: ignore[union-attr]
    metrics = sac._train_step(batch, 0)
    for t_old, t_new, online in zip(
        old_target, sac.target_critic.parameters(), sac.policy.critic.parameters(), strict=True
    ):
        assert torch.allclose(t_new, 0.8 * t_old + 0.2 * online.detach(), atol=1e-6)
    # entropy far below a target of 100 nats: alpha must grow (one Adam step = +lr in log)
    assert sac.alpha.item() == pytest.approx(0.3 * math.exp(0.1), rel=1e-4)
    assert set(metrics) >= {"critic_loss", "actor_loss", "alpha_loss", "entropy", "alpha"}


def test_fixed_alpha_does_not_move() -> None:
    sac = _sac(autotune_alpha=False, init_alpha=0.2)
    sac.initialize_buffer(4, 2, 2, 2)
    for _ in range(4):
        sac.buffer.add(  # type: ignore[union-attr]
            torch.randn(2, 2),
            torch.rand(2, 2),
            torch.randn(2),
            torch.randn(2, 2),
            torch.zeros(2, dtype=torch.bool),
            torch.zeros(2, dtype=torch.bool),
        )
    sac._train_step(sac.buffer.sample(8, sac.generator), 0)  # type: ignore[union-attr]
    assert sac.alpha.item() == pytest.approx(0.2)
