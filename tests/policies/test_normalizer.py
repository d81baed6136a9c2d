"""RunningNormalizer: batched (Chan) merges equal numpy statistics of all data seen."""

from __future__ import annotations

import numpy as np
import torch

from embodichain_rl.policies import ActorCritic, RunningNormalizer


def test_batched_updates_match_numpy_on_the_concatenation() -> None:
    rng = np.random.default_rng(0)
    batches = [
        rng.normal(loc=3.0, scale=2.0, size=(n, 4)).astype(np.float32) for n in (1, 7, 50, 3)
    ]
    batches.append(rng.normal(loc=-5.0, scale=0.1, size=(20, 4)).astype(np.float32))
    norm = RunningNormalizer(dim=4)
    for batch in batches:
        norm.update(torch.from_numpy(batch))
    data = np.concatenate(batches).astype(np.float64)
    np.testing.assert_allclose(norm.mean.numpy(), data.mean(axis=0), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(norm.var.numpy(), data.var(axis=0), rtol=1e-4, atol=1e-5)
    assert norm.count.item() == len(data)


def test_merging_batch_moments_equals_seeing_the_samples() -> None:
    # What data-parallel training hands over: the moments of a batch it never sees.
    rng = np.random.default_rng(1)
    first = rng.normal(loc=1.0, scale=3.0, size=(5, 2))
    second = rng.normal(loc=-2.0, scale=0.5, size=(9, 2))
    norm = RunningNormalizer(dim=2)
    norm.update(torch.from_numpy(first).float())
    norm.merge(
        torch.from_numpy(second.mean(axis=0)).float(),
        torch.from_numpy(second.var(axis=0)).float(),
        second.shape[0],
    )
    data = np.concatenate([first, second])
    np.testing.assert_allclose(norm.mean.numpy(), data.mean(axis=0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(norm.var.numpy(), data.var(axis=0), rtol=1e-5, atol=1e-6)
    assert norm.count.item() == 14


def test_normalises_and_clips() -> None:
    norm = RunningNormalizer(dim=2, clip=3.0, eps=0.0 + 1e-8)
    norm.update(torch.tensor([[0.0, 10.0], [2.0, 10.0]]))  # mean [1, 10], var [1, 0]
    out = norm(torch.tensor([[2.0, 10.0], [100.0, 10.0]]))
    torch.testing.assert_close(out, torch.tensor([[1.0, 0.0], [3.0, 0.0]]), atol=1e-4, rtol=0)


def test_policy_normaliser_updates_only_when_asked_and_round_trips_state_dict() -> None:
    torch.manual_seed(0)
    policy = ActorCritic(obs_dim=3, action_dim=1, normalize_obs=True)
    obs = torch.randn(64, 3) * 4.0 + 2.0
    policy.get_action(obs)
    assert policy.obs_normalizer is not None
    assert policy.obs_normalizer.count.item() == 0
    policy.update_normalization(obs)
    torch.testing.assert_close(policy.obs_normalizer.mean, obs.mean(dim=0))

    state = policy.state_dict()
    assert {"obs_normalizer.mean", "obs_normalizer.var", "obs_normalizer.count"} <= set(state)
    torch.manual_seed(1)
    clone = ActorCritic(obs_dim=3, action_dim=1, normalize_obs=True)
    clone.load_state_dict(state)
    probe = torch.randn(5, 3)
    torch.testing.assert_close(clone.get_value(probe), policy.get_value(probe))
    torch.testing.assert_close(clone.act_deterministic(probe), policy.act_deterministic(probe))


def test_without_normalisation_update_is_a_no_op() -> None:
    policy = ActorCritic(obs_dim=3, action_dim=1)
    assert policy.obs_normalizer is None
    policy.update_normalization(torch.randn(4, 3))
    assert not any("normalizer" in k for k in policy.state_dict())


def test_compiled_update_keeps_the_same_statistics_as_eager() -> None:
    """Regression: torch.compile (2.13) silently dropped the in-place write to the 0-d
    float64 ``count``, so compiled normalisers never saw more than one batch."""
    eager = RunningNormalizer(dim=3)
    compiled = RunningNormalizer(dim=3)
    update = torch.compile(compiled.update)
    generator = torch.Generator().manual_seed(0)
    for _ in range(3):
        batch = torch.randn(8, 3, generator=generator) * 3.0 + 1.0
        eager.update(batch)
        update(batch)
    assert compiled.count.item() == eager.count.item() == 24.0
    torch.testing.assert_close(compiled.mean, eager.mean)
    torch.testing.assert_close(compiled.var, eager.var)
