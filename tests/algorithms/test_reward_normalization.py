"""PPO's reward scaling and value normalisation against a NumPy reimplementation of their
definitions (SB3 VecNormalize's return-based reward scaling; standardised value targets)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from embodichain_rl.algorithms import PPO
from embodichain_rl.algorithms.normalization import ReturnScaler, ValueNormalizer
from embodichain_rl.policies.actor_critic import ActorCritic
from tests.algorithms.test_rollout_bootstrap import CountingEnv, CountValuePolicy
from tests.algorithms.toy_envs import MoveToTarget


def numpy_scaled_rewards(
    rewards: np.ndarray, dones: np.ndarray, gamma: float, clip: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """Per step: R = gamma*R + r; the population variance of every R seen so far (all envs,
    all steps, computed directly); r / sqrt(var + 1e-8), clipped; R = 0 where done. Returns
    the scaled rewards and the final running returns."""
    running = np.zeros(rewards.shape[1])
    seen: list[np.ndarray] = []
    scaled = np.zeros_like(rewards)
    for t in range(rewards.shape[0]):
        running = gamma * running + rewards[t]
        seen.append(running.copy())
        var = np.concatenate(seen).var()
        out = rewards[t] / np.sqrt(var + 1e-8)
        scaled[t] = out if clip is None else np.clip(out, -clip, clip)
        running[dones[t]] = 0.0
    return scaled, running


@pytest.mark.parametrize("clip", [None, 1.5])
def test_reward_scaler_matches_numpy_across_episode_boundaries(clip: float | None) -> None:
    rng = np.random.default_rng(0)
    steps, envs, gamma = 40, 5, 0.9
    rewards = rng.normal(0.5, 2.0, size=(steps, envs))
    dones = rng.random((steps, envs)) < 0.15  # episodes of every length, ends anywhere
    expected, expected_returns = numpy_scaled_rewards(rewards, dones, gamma, clip)

    scaler = ReturnScaler(num_envs=envs, gamma=gamma, clip=clip, device=torch.device("cpu"))
    got = [
        scaler(torch.tensor(r, dtype=torch.float32), torch.tensor(d))
        for r, d in zip(rewards, dones, strict=True)
    ]

    np.testing.assert_allclose(torch.stack(got).numpy(), expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(scaler.returns.numpy(), expected_returns, rtol=1e-5, atol=1e-5)
    if clip is not None:
        assert np.abs(expected).max() == pytest.approx(clip)  # the clamp was exercised


def test_reward_scaler_state_round_trips_and_continues_identically() -> None:
    rng = np.random.default_rng(1)
    rewards = torch.tensor(rng.normal(size=(12, 3)), dtype=torch.float32)
    dones = torch.tensor(rng.random((12, 3)) < 0.3)
    cpu = torch.device("cpu")
    first = ReturnScaler(num_envs=3, gamma=0.99, clip=10.0, device=cpu)
    for t in range(6):
        first(rewards[t], dones[t])
    second = ReturnScaler(num_envs=3, gamma=0.99, clip=10.0, device=cpu)
    second.load_state_dict(first.state_dict())
    for t in range(6, 12):
        assert torch.equal(first(rewards[t], dones[t]), second(rewards[t], dones[t]))


def test_value_normalizer_standardises_with_the_moments_of_all_targets_seen() -> None:
    rng = np.random.default_rng(2)
    batches = [rng.normal(5.0, 3.0, size=(4, 6)), rng.normal(-2.0, 0.5, size=(4, 6))]
    normalizer = ValueNormalizer(device=torch.device("cpu"))
    for batch in batches:
        normalizer.update(torch.tensor(batch, dtype=torch.float32))
    everything = np.concatenate([b.ravel() for b in batches])
    x = torch.tensor([-1.0, 0.0, 7.5])
    expected = (x.numpy() - everything.mean()) / np.sqrt(everything.var() + 1e-8)
    np.testing.assert_allclose(normalizer.normalize(x).numpy(), expected, rtol=1e-5)
    torch.testing.assert_close(normalizer.denormalize(normalizer.normalize(x)), x)


def test_ppo_stores_scaled_rewards_plus_the_truncation_bootstrap() -> None:
    """The buffer holds scaled(r) + gamma*V(final_obs) on time-limit steps; ``on_step`` (what
    the trainer logs) still gets the raw reward."""
    torch.manual_seed(0)
    env = MoveToTarget(num_envs=4, max_episode_steps=3)  # truncations inside the rollout
    policy = ActorCritic(obs_dim=1, action_dim=1)
    gamma = 0.9
    algo = PPO(policy=policy, device="cpu", gamma=gamma, normalize_reward=True, reward_clip=5.0)
    algo.initialize_buffer(8, env.num_envs, env.obs_dim, env.action_dim)
    raw, ends, bootstraps = [], [], []

    def record(reward, terminated, truncated, info):
        raw.append(reward.clone())
        ends.append(terminated | truncated)
        value = policy.get_value(info["final_obs"])
        bootstraps.append(torch.where(truncated & ~terminated, gamma * value, 0.0))

    obs, _ = env.reset(seed=3)
    algo.collect_rollout(env, obs, on_step=record)

    expected, _ = numpy_scaled_rewards(
        torch.stack(raw).double().numpy(), torch.stack(ends).numpy(), gamma, 5.0
    )
    buffer = algo.buffer
    assert buffer is not None
    assert torch.stack(ends).any()
    scaled = buffer.rewards - torch.stack(bootstraps)
    np.testing.assert_allclose(scaled.numpy(), expected, rtol=1e-4, atol=1e-5)
    assert not torch.allclose(scaled, torch.stack(raw))  # the scale is not 1
    metrics = algo.update()
    assert metrics["reward_scale_std"] > 0


class DifferentiableCountValue(CountValuePolicy):
    """V(obs) = 10 + obs[0], with a (zero-gradient) path to a parameter so update() runs."""

    def get_value(self, obs: torch.Tensor) -> torch.Tensor:
        return 10.0 + obs[:, 0] + 0.0 * self.unused


def test_ppo_value_loss_is_taken_on_standardised_targets() -> None:
    """V(obs) = 10 + obs, one epoch, one minibatch: the value loss is
    0.5 * mean((V - (R - mean R) / std R)^2) over the rollout's GAE returns R."""
    env = CountingEnv()
    algo = PPO(
        policy=DifferentiableCountValue(),
        device="cpu",
        gamma=0.5,
        gae_lambda=0.5,
        normalize_advantage=False,
        normalize_value=True,
        num_minibatches=1,
        n_epochs=1,
    )
    algo.initialize_buffer(3, env.num_envs, env.obs_dim, env.action_dim)
    obs, _ = env.reset()
    algo.collect_rollout(env, obs)
    buffer = algo.buffer
    assert buffer is not None
    # Before any update the statistics are the identity: values are V itself.
    torch.testing.assert_close(buffer.values, torch.tensor([[10.0] * 3, [11.0] * 3, [10.0] * 3]))
    returns = buffer.returns.numpy().astype(np.float64)
    predicted = 10.0 + buffer.obs[:, :, 0].numpy()
    standardised = (returns - returns.mean()) / np.sqrt(returns.var() + 1e-8)
    expected = 0.5 * np.mean((predicted - standardised) ** 2)

    metrics = algo.update()

    assert metrics["value_loss"].item() == pytest.approx(expected, rel=1e-5)
    # The next rollout reads the critic in return units: V * std + mean.
    value = algo._value(torch.zeros(1, 1))
    assert value.item() == pytest.approx(10.0 * np.sqrt(returns.var() + 1e-8) + returns.mean())


def test_checkpoint_without_reward_scaling_is_refused_by_name() -> None:
    plain = PPO(policy=CountValuePolicy(), device="cpu", num_minibatches=1)
    scaled = PPO(policy=CountValuePolicy(), device="cpu", num_minibatches=1, normalize_reward=True)
    scaled.initialize_buffer(2, 3, 1, 1)
    with pytest.raises(ValueError, match="normalize_reward"):
        scaled.load_state_dict(plain.state_dict())
