"""RolloutBuffer: preallocated slots, extras, and on-device minibatch partitions."""

from __future__ import annotations

import pytest
import torch

from embodichain_rl.buffer import RolloutBuffer

T, N, OBS, ACT = 4, 3, 2, 1


def _filled_buffer() -> RolloutBuffer:
    """Sample k = t*N + n carries obs = [k, -k], action k, every scalar field k."""
    buf = RolloutBuffer(num_steps=T, num_envs=N, obs_dim=OBS, action_dim=ACT, device="cpu")
    for t in range(T):
        k = torch.arange(N, dtype=torch.float32) + t * N
        buf.add(
            obs=torch.stack([k, -k], dim=1),
            actions=k[:, None],
            log_probs=k,
            rewards=k,
            dones=k > 4,
            values=k,
        )
    return buf


DEVICES = [
    "cpu",
    pytest.param(
        "cuda", marks=pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
    ),
]


@pytest.mark.parametrize("device", DEVICES)
def test_preallocated_shapes_and_device(device: str) -> None:
    buf = RolloutBuffer(num_steps=T, num_envs=N, obs_dim=OBS, action_dim=ACT, device=device)
    assert buf.obs.shape == (T, N, OBS)
    assert buf.actions.shape == (T, N, ACT)
    for name in ("log_probs", "rewards", "dones", "values", "advantages", "returns"):
        assert getattr(buf, name).shape == (T, N)
    assert all(v.device.type == device for v in buf.data.values())
    assert buf.batch_size == T * N
    gen = torch.Generator(device=device)
    gen.manual_seed(0)
    batch = next(buf.minibatches(4, generator=gen))
    assert all(v.device.type == device for v in batch.values())


def test_add_writes_slots_in_place_and_refuses_overflow() -> None:
    buf = _filled_buffer()
    assert buf.full
    torch.testing.assert_close(buf.rewards[2], torch.tensor([6.0, 7.0, 8.0]))
    torch.testing.assert_close(buf.obs[1, 2], torch.tensor([5.0, -5.0]))
    torch.testing.assert_close(buf.dones[1], torch.tensor([0.0, 0.0, 1.0]))
    with pytest.raises(RuntimeError, match="full"):
        buf.add(
            obs=torch.zeros(N, OBS),
            actions=torch.zeros(N, ACT),
            log_probs=torch.zeros(N),
            rewards=torch.zeros(N),
            dones=torch.zeros(N),
            values=torch.zeros(N),
        )
    first_ptr = buf.obs.data_ptr()
    buf.reset()
    buf.add(
        obs=torch.full((N, OBS), 9.0),
        actions=torch.zeros(N, ACT),
        log_probs=torch.zeros(N),
        rewards=torch.zeros(N),
        dones=torch.zeros(N),
        values=torch.zeros(N),
    )
    assert buf.obs.data_ptr() == first_ptr
    assert buf.step == 1
    torch.testing.assert_close(buf.obs[0], torch.full((N, OBS), 9.0))


def test_set_extras_overwrites_known_fields_and_adds_new_ones() -> None:
    buf = _filled_buffer()
    adv_ptr = buf.advantages.data_ptr()
    buf.set_extras(advantages=torch.ones(T, N), bonus=torch.full((T, N, 2), 3.0))
    assert buf.advantages.data_ptr() == adv_ptr
    torch.testing.assert_close(buf.advantages, torch.ones(T, N))
    batch = next(buf.minibatches(4))
    assert batch["bonus"].shape == (4, 2)
    with pytest.raises(ValueError, match=r"\[T=4, N=3"):
        buf.set_extras(bonus=torch.zeros(N, T))
    with pytest.raises(ValueError, match="keep shape"):
        buf.set_extras(returns=torch.zeros(T, N, 2))


def test_minibatches_partition_every_sample_once_per_epoch() -> None:
    buf = _filled_buffer()
    seen = torch.cat([b["rewards"] for b in buf.minibatches(4)])
    assert seen.shape == (T * N,)
    assert sorted(seen.tolist()) == [float(k) for k in range(T * N)]


def test_minibatch_fields_stay_aligned() -> None:
    buf = _filled_buffer()
    for batch in buf.minibatches(6):
        k = batch["rewards"]
        torch.testing.assert_close(batch["obs"], torch.stack([k, -k], dim=1))
        torch.testing.assert_close(batch["actions"][:, 0], k)
        torch.testing.assert_close(batch["dones"], (k > 4).float())


def test_partial_last_minibatch_is_dropped() -> None:
    buf = _filled_buffer()
    batches = list(buf.minibatches(5))  # 12 samples -> two batches of 5, 2 left out
    assert [b["rewards"].shape[0] for b in batches] == [5, 5]
    seen = torch.cat([b["rewards"] for b in batches]).tolist()
    assert len(set(seen)) == 10


def test_seeded_generator_makes_minibatches_reproducible() -> None:
    buf = _filled_buffer()

    def order(seed: int) -> list[float]:
        gen = torch.Generator(device="cpu")
        gen.manual_seed(seed)
        epochs = [
            torch.cat([b["rewards"] for b in buf.minibatches(3, generator=gen)]) for _ in range(2)
        ]
        return torch.cat(epochs).tolist()

    assert order(7) == order(7)
    assert order(7) != order(8)


def test_batch_size_out_of_range_is_a_clear_error() -> None:
    buf = _filled_buffer()
    with pytest.raises(ValueError, match=r"T\*N=12"):
        next(buf.minibatches(13))
    with pytest.raises(ValueError, match="minibatch size 0"):
        next(buf.minibatches(0))


def test_integer_actions_round_trip_exactly() -> None:
    # 2**24 + 1 is the first integer float32 cannot hold: int64 storage keeps it.
    buf = RolloutBuffer(
        num_steps=2, num_envs=2, obs_dim=1, action_dim=2, device="cpu", action_dtype=torch.int64
    )
    big = 2**24 + 1
    actions = torch.tensor([[[0, big], [3, 1]], [[big + 2, 7], [5, 0]]])
    for t in range(2):
        buf.add(
            obs=torch.zeros(2, 1),
            actions=actions[t],
            log_probs=torch.zeros(2),
            rewards=torch.zeros(2),
            dones=torch.zeros(2),
            values=torch.zeros(2),
        )
    assert buf.actions.dtype == torch.int64
    assert torch.equal(buf.actions, actions)
    batch = next(buf.minibatches(4, generator=torch.Generator().manual_seed(0)))
    assert batch["actions"].dtype == torch.int64
    assert sorted(map(tuple, batch["actions"].tolist())) == sorted(
        map(tuple, actions.reshape(4, 2).tolist())
    )
