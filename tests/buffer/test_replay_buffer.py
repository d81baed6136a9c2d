"""``ReplayBuffer``: ring overwrite, true next observations, and n-step sums checked by hand."""

from __future__ import annotations

import pytest
import torch

from embodichain_rl.buffer.replay_buffer import ReplayBuffer

GAMMA = 0.5


def _buffer(n_step: int, rows: int = 8, num_envs: int = 1) -> ReplayBuffer:
    return ReplayBuffer(
        capacity=rows * num_envs,
        num_envs=num_envs,
        obs_dim=1,
        action_dim=1,
        device="cpu",
        gamma=GAMMA,
        n_step=n_step,
    )


def _add(buf: ReplayBuffer, t: float, reward: float, *, term: bool = False, trunc: bool = False):
    """Obs t, next obs t + 0.5 (a 'true final obs' marker when the step ends an episode)."""
    buf.add(
        obs=torch.tensor([[t]]),
        actions=torch.tensor([[t]]),
        rewards=torch.tensor([reward]),
        next_obs=torch.tensor([[t + 0.5]]),
        terminated=torch.tensor([term]),
        truncated=torch.tensor([trunc]),
    )


def _by_start(buf: ReplayBuffer, draws: int = 400) -> dict[float, tuple[float, float, float]]:
    """Start obs -> (reward sum, bootstrap, next obs), over many uniform draws."""
    batch = buf.sample(draws, generator=torch.Generator().manual_seed(0))
    out: dict[float, tuple[float, float, float]] = {}
    for i in range(draws):
        start = float(batch.obs[i, 0])
        row = (float(batch.rewards[i]), float(batch.bootstrap[i]), float(batch.next_obs[i, 0]))
        assert out.setdefault(start, row) == pytest.approx(row), start
    return out


def test_one_step_target_terms_with_termination_and_truncation() -> None:
    buf = _buffer(1)
    _add(buf, 0.0, 1.0)
    _add(buf, 1.0, 2.0, term=True)
    _add(buf, 2.0, 3.0, trunc=True)
    _add(buf, 3.0, 4.0, term=True, trunc=True)
    got = _by_start(buf)
    assert got[0.0] == pytest.approx((1.0, GAMMA, 0.5))
    assert got[1.0] == pytest.approx((2.0, 0.0, 1.5))  # terminated: no bootstrap
    assert got[2.0] == pytest.approx((3.0, GAMMA, 2.5))  # truncated: bootstrap true final obs
    assert got[3.0] == pytest.approx((4.0, 0.0, 3.5))  # both: termination wins


def test_three_step_sums_stop_at_episode_ends_and_the_newest_row() -> None:
    buf = _buffer(3)
    _add(buf, 0.0, 1.0)
    _add(buf, 1.0, 2.0)
    _add(buf, 2.0, 4.0, trunc=True)
    _add(buf, 3.0, 8.0)
    _add(buf, 4.0, 16.0, term=True)
    _add(buf, 5.0, 32.0)
    _add(buf, 6.0, 64.0)
    got = _by_start(buf)
    g = GAMMA
    assert got[0.0] == pytest.approx((1 + g * 2 + g**2 * 4, g**3, 2.5))
    assert got[1.0] == pytest.approx((2 + g * 4, g**2, 2.5))  # cut by truncation at row 2
    assert got[2.0] == pytest.approx((4.0, g, 2.5))
    assert got[3.0] == pytest.approx((8 + g * 16, 0.0, 4.5))  # terminated within 2 steps
    assert got[4.0] == pytest.approx((16.0, 0.0, 4.5))
    assert got[5.0] == pytest.approx((32 + g * 64, g**2, 6.5))  # newest row reached
    assert got[6.0] == pytest.approx((64.0, g, 6.5))


def test_ring_overwrites_oldest_and_n_step_does_not_wrap_into_old_rows() -> None:
    buf = _buffer(2, rows=4)
    for t in range(6):  # rows now hold t = 4, 5, 2, 3 (oldest first: 2, 3, 4, 5)
        _add(buf, float(t), float(t + 1))
    assert len(buf) == 4 and buf.capacity == 4
    got = _by_start(buf)
    assert sorted(got) == [2.0, 3.0, 4.0, 5.0]
    g = GAMMA
    assert got[3.0] == pytest.approx((4 + g * 5, g**2, 4.5))  # follows into the wrapped row
    assert got[5.0] == pytest.approx((6.0, g, 5.5))  # newest: never reads the stale t=2 row


def test_envs_are_separate_columns() -> None:
    buf = _buffer(2, rows=4, num_envs=2)
    buf.add(
        obs=torch.tensor([[0.0], [10.0]]),
        actions=torch.zeros(2, 1),
        rewards=torch.tensor([1.0, 100.0]),
        next_obs=torch.tensor([[0.5], [10.5]]),
        terminated=torch.tensor([False, True]),
        truncated=torch.tensor([False, False]),
    )
    buf.add(
        obs=torch.tensor([[1.0], [11.0]]),
        actions=torch.zeros(2, 1),
        rewards=torch.tensor([2.0, 200.0]),
        next_obs=torch.tensor([[1.5], [11.5]]),
        terminated=torch.tensor([False, False]),
        truncated=torch.tensor([False, False]),
    )
    got = _by_start(buf)
    assert got[0.0] == pytest.approx((1 + GAMMA * 2, GAMMA**2, 1.5))
    assert got[10.0] == pytest.approx((100.0, 0.0, 10.5))


def test_state_dict_round_trip_and_capacity_checks() -> None:
    buf = _buffer(2, rows=4)
    for t in range(3):
        _add(buf, float(t), 1.0)
    copy = _buffer(2, rows=4)
    copy.load_state_dict(buf.state_dict())
    assert len(copy) == 3 and copy.pos == buf.pos
    g = torch.Generator().manual_seed(3)
    a = buf.sample(16, generator=g)
    b = copy.sample(16, generator=torch.Generator().manual_seed(3))
    assert torch.equal(a.obs, b.obs) and torch.equal(a.rewards, b.rewards)
    with pytest.raises(ValueError, match="resume with the same"):
        _buffer(2, rows=5).load_state_dict(buf.state_dict())
    with pytest.raises(ValueError, match="fewer than n_step=3"):
        _buffer(3, rows=2)
