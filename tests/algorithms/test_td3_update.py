"""TD3's learner against hand math: the smoothed, clipped double-Q target; the actor and
the targets moving only every ``policy_delay`` critic steps, by Polyak averaging; FastTD3's
per-env exploration-noise scales, redrawn where an episode ends."""

from __future__ import annotations

from typing import Any

import pytest
import torch

from embodichain_rl.algorithms import get_algo_class
from embodichain_rl.algorithms.off_policy.base import ReplayBatch
from embodichain_rl.algorithms.off_policy.td3 import TD3
from embodichain_rl.envs.base import StepResult
from embodichain_rl.policies import ActorCritic
from embodichain_rl.policies.deterministic_actor_critic import DeterministicActorCritic
from tests.algorithms.toy_envs import MoveToTarget

NET = {"hidden_sizes": [16], "activation": "relu"}


def _policy(action_dim: int = 1, low: float = -2.0, high: float = 2.0) -> DeterministicActorCritic:
    torch.manual_seed(0)
    return DeterministicActorCritic(
        obs_dim=1,
        action_dim=action_dim,
        action_low=[low] * action_dim,
        action_high=[high] * action_dim,
        actor=NET,
        critic=NET,
        normalize_obs=False,
    )


def _td3(policy: DeterministicActorCritic | None = None, **overrides: Any) -> TD3:
    options: dict[str, Any] = {
        "batch_size": 8,
        "learning_starts": 8,
        "buffer_size": 256,
        "updates_per_step": 1,
        "seed": 0,
    }
    options.update(overrides)
    return TD3(policy=policy or _policy(), device="cpu", **options)


def _params(module: torch.nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in module.parameters()]


def _same(a: list[torch.Tensor], b: list[torch.Tensor]) -> bool:
    return all(torch.equal(x, y) for x, y in zip(a, b, strict=True))


def test_registered_and_refuses_a_stochastic_policy() -> None:
    assert get_algo_class("td3") is TD3
    with pytest.raises(ValueError, match="algorithm=td3 needs policy=td3_actor_critic"):
        TD3(policy=ActorCritic(obs_dim=1, action_dim=1), device="cpu")


def test_critic_target_smooths_clips_and_bootstraps_from_the_batch() -> None:
    algo = _td3(policy_noise=0.4, noise_clip=0.5)
    with torch.no_grad():  # a target actor whose next action sits near the upper bound
        algo.target_actor[-1].bias.fill_(2.0)
    batch = ReplayBatch(
        obs=torch.randn(6, 1),
        actions=torch.rand(6, 1) * 4 - 2,
        rewards=torch.tensor([1.0, -2.0, 0.5, 0.0, 3.0, -1.0]),
        next_obs=torch.linspace(-3, 3, 6)[:, None],
        bootstrap=torch.tensor([0.99, 0.0, 0.9801, 0.99, 0.0, 0.5]),
    )
    noise_source = torch.Generator().set_state(algo.generator.get_state())
    target = algo.critic_target(batch)
    with torch.no_grad():
        next_action = 2.0 * torch.tanh(algo.target_actor(batch.next_obs))  # bounds [-2, 2]
        noise = torch.randn(next_action.shape, generator=noise_source)
        offset = (0.4 * noise).clamp(-0.5, 0.5) * 2.0  # noise_clip in half-ranges (2)
        smoothed = (next_action + offset).clamp(-2.0, 2.0)
        q1, q2 = algo.target_critic(batch.next_obs, smoothed / 2.0)
        expected = batch.rewards + batch.bootstrap * torch.minimum(q1, q2)
    assert (offset.abs() == 1.0).any(), "some noise must hit the clip for the test to bite"
    assert (next_action + offset > 2.0).any(), "some next actions must hit the bound"
    torch.testing.assert_close(target, expected)
    assert torch.equal(target[1], batch.rewards[1]) and torch.equal(target[4], batch.rewards[4])


def _fill(algo: TD3, env: MoveToTarget) -> torch.Tensor:
    """Collect until the buffer reaches learning_starts; the observation to go on from."""
    obs, _ = env.reset(seed=0)
    for _ in range(algo.config.learning_starts // env.num_envs - 1):
        obs = algo.collect_rollout(env, obs)
        assert set(algo.update()) == {"buffer_fill"}  # warm-up: no gradient step yet
    return algo.collect_rollout(env, obs)


def test_actor_and_targets_move_only_every_policy_delay_critic_steps() -> None:
    tau = 0.25
    algo = _td3(policy_delay=3, tau=tau, learning_starts=8)
    env = MoveToTarget(num_envs=4)
    algo.initialize_buffer(num_steps=1, num_envs=4, obs_dim=1, action_dim=1)
    obs = _fill(algo, env)
    policy = algo.policy
    for critic_step in range(1, 7):
        obs = algo.collect_rollout(env, obs)
        critic, actor = _params(policy.critic), _params(policy.actor)
        target_actor, target_critic = _params(algo.target_actor), _params(algo.target_critic)
        metrics = algo.update()  # num_steps=1 x updates_per_step=1: one critic step
        assert {"critic_loss", "actor_loss", "buffer_fill"} <= set(metrics)
        assert not _same(critic, _params(policy.critic)), critic_step
        delayed = critic_step % 3 == 0
        assert _same(actor, _params(policy.actor)) is not delayed, critic_step
        assert _same(target_actor, _params(algo.target_actor)) is not delayed, critic_step
        assert _same(target_critic, _params(algo.target_critic)) is not delayed, critic_step
        if delayed:  # Polyak: θ' <- (1 - τ) θ' + τ θ, with θ the just-updated online net
            pairs = [
                (target_actor, algo.target_actor, policy.actor),
                (target_critic, algo.target_critic, policy.critic),
            ]
            for old, target_net, online in pairs:
                for before, after, now in zip(
                    old, target_net.parameters(), online.parameters(), strict=True
                ):
                    torch.testing.assert_close(after, (1 - tau) * before + tau * now.detach())


class HalfTerminate(MoveToTarget):
    """``MoveToTarget`` whose odd-indexed envs terminate (and reset) on every step."""

    def step(self, action: torch.Tensor) -> StepResult:
        _, reward, terminated, truncated, info = super().step(action)
        odd = torch.arange(self.num_envs, device=self.device) % 2 == 1
        self._respawn(odd)
        return self._obs(), reward, terminated | odd, truncated, info


def test_noise_scales_are_per_env_in_range_and_redrawn_only_where_episodes_end() -> None:
    algo = _td3(exploration_noise_min=0.1, exploration_noise_max=0.3)
    env = HalfTerminate(num_envs=64, max_episode_steps=1000)
    algo.initialize_buffer(num_steps=1, num_envs=64, obs_dim=1, action_dim=1)
    first = algo.noise_scales
    assert first is not None and first.shape == (64, 1)
    assert ((first >= 0.1) & (first <= 0.3)).all()
    assert len(set(first.flatten().tolist())) == 64  # one draw per env
    obs, _ = env.reset(seed=0)
    algo.collect_rollout(env, obs)
    after = algo.noise_scales
    assert after is not None
    even, odd = after[0::2], after[1::2]
    assert torch.equal(even, first[0::2])  # episodes still running: scale kept
    assert not torch.isclose(odd, first[1::2]).any()  # episodes ended: scale redrawn
    assert ((odd >= 0.1) & (odd <= 0.3)).all()


def test_exploration_noise_std_follows_each_envs_scale_and_the_half_range() -> None:
    algo = _td3()
    algo.initialize_buffer(num_steps=1, num_envs=2, obs_dim=1, action_dim=1)
    algo.noise_scales = torch.tensor([[0.05], [0.2]])
    obs = torch.zeros(20_000, 1)
    algo.noise_scales = algo.noise_scales.repeat(10_000, 1)
    with torch.no_grad():
        noisy = algo._exploration_action(obs)
        offset = noisy - algo.policy.act_deterministic(obs)
    # bounds [-2, 2]: half-range 2, so the std is 2 * scale; the clamp is never reached
    torch.testing.assert_close(offset[0::2].std(), torch.tensor(0.1), atol=0.005, rtol=0)
    torch.testing.assert_close(offset[1::2].std(), torch.tensor(0.4), atol=0.02, rtol=0)
