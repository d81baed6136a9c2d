"""``ReplayBuffer`` with dict observations: images stay uint8, every key of ``obs`` and the
n-step ``next_obs`` comes from the right row, and the ring's state round-trips."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
import torch

from embodichain_rl.buffer.replay_buffer import ReplayBuffer

GAMMA = 0.5
SPACE = gym.spaces.Dict(
    {
        "rgb": gym.spaces.Box(0, 255, (3, 4, 4), np.uint8),
        "state": gym.spaces.Box(-np.inf, np.inf, (2,), np.float32),
    }
)


def _buffer(n_step: int, rows: int = 8) -> ReplayBuffer:
    return ReplayBuffer(
        capacity=rows, num_envs=1, obs_dim=SPACE, action_dim=1, device="cpu",
        gamma=GAMMA, n_step=n_step,
    )  # fmt: skip


def _obs(t: int, offset: int = 0) -> dict[str, torch.Tensor]:
    """Step t's marker: every rgb pixel t + offset, state [t + offset, -(t + offset)]."""
    value = t + offset
    return {
        "rgb": torch.full((1, 3, 4, 4), value, dtype=torch.uint8),
        "state": torch.tensor([[float(value), -float(value)]]),
    }


def _fill(buf: ReplayBuffer, ends: dict[int, str]) -> None:
    """Steps 0..5; next obs of step t carries marker 100 + t; ``ends[t]`` term/trunc."""
    for t in range(6):
        buf.add(
            _obs(t), torch.tensor([[float(t)]]), torch.tensor([1.0]), _obs(t, 100),
            torch.tensor([ends.get(t) == "term"]), torch.tensor([ends.get(t) == "trunc"]),
        )  # fmt: skip


def test_images_stay_uint8_and_keys_come_from_one_row() -> None:
    buf = _buffer(1)
    assert buf.obs["rgb"].dtype == torch.uint8 and buf.obs["state"].dtype == torch.float32
    _fill(buf, {})
    batch = buf.sample(64, generator=torch.Generator().manual_seed(0))
    assert isinstance(batch.obs, dict) and isinstance(batch.next_obs, dict)
    assert batch.obs["rgb"].dtype == torch.uint8 and batch.obs["rgb"].shape == (64, 3, 4, 4)
    start = batch.actions[:, 0]
    assert torch.equal(batch.obs["rgb"][:, 0, 0, 0].float(), start)
    assert torch.equal(batch.obs["state"], torch.stack([start, -start], dim=1))
    assert torch.equal(batch.next_obs["rgb"][:, 2, 3, 1].float(), start + 100)


def test_n_step_next_obs_per_key() -> None:
    buf = _buffer(3)
    _fill(buf, {1: "term", 3: "trunc"})
    batch = buf.sample(400, generator=torch.Generator().manual_seed(0))
    # Start -> the step whose true next obs ends the n-step sum (by hand, n = 3):
    # 0: stops at the termination of 1; 1: itself; 2: stops at the truncation of 3;
    # 3: itself; 4: 4, 5 then the newest row; 5: the newest row.
    last = {0: 1, 1: 1, 2: 3, 3: 3, 4: 5, 5: 5}
    bootstrap = {0: 0.0, 1: 0.0, 2: GAMMA**2, 3: GAMMA, 4: GAMMA**2, 5: GAMMA}
    seen = set()
    for i in range(400):
        t = int(batch.actions[i, 0])
        seen.add(t)
        marker = 100 + last[t]
        assert batch.next_obs["rgb"][i].eq(marker).all(), t
        assert batch.next_obs["state"][i].tolist() == [marker, -marker], t
        assert float(batch.bootstrap[i]) == pytest.approx(bootstrap[t]), t
    assert seen == set(range(6))


def test_state_round_trip_and_mismatch() -> None:
    buf = _buffer(2)
    _fill(buf, {2: "term"})
    state = buf.state_dict()
    assert state["obs"]["rgb"].dtype == torch.uint8 and state["obs"]["rgb"].shape[0] == 6
    restored = _buffer(2)
    restored.load_state_dict(state)
    a = buf.sample(32, generator=torch.Generator().manual_seed(4))
    b = restored.sample(32, generator=torch.Generator().manual_seed(4))
    for key in ("rgb", "state"):
        assert torch.equal(a.obs[key], b.obs[key]) and torch.equal(a.next_obs[key], b.next_obs[key])
    flat = ReplayBuffer(capacity=8, num_envs=1, obs_dim=2, action_dim=1, device="cpu")
    with pytest.raises(ValueError, match=r"env\.obs_mode"):
        flat.load_state_dict(state)


def test_wrong_keys_refused() -> None:
    buf = _buffer(1)
    with pytest.raises(ValueError, match="observation keys"):
        buf.add(
            {"rgb": _obs(0)["rgb"]}, torch.zeros(1, 1), torch.zeros(1), _obs(0),
            torch.zeros(1, dtype=torch.bool), torch.zeros(1, dtype=torch.bool),
        )  # fmt: skip
