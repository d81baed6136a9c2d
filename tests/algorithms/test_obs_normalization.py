"""PPO with ``normalize_obs``: the rollout and the update see one normalisation, and the
statistics fold in each rollout's observations once, after the epochs."""

from __future__ import annotations

import torch

from embodichain_rl.algorithms import PPO
from embodichain_rl.policies import ActorCritic
from tests.algorithms.toy_envs import MoveToTarget

T, N = 8, 16
NET = {"hidden_sizes": [16], "activation": "tanh"}


def _setup(**ppo_kwargs: object) -> tuple[PPO, ActorCritic, MoveToTarget]:
    torch.manual_seed(0)
    env = MoveToTarget(num_envs=N)
    policy = ActorCritic(obs_dim=1, action_dim=1, actor=NET, critic=NET, normalize_obs=True)
    algo = PPO(policy=policy, device="cpu", learning_rate=1e-2, **ppo_kwargs)
    algo.initialize_buffer(T, N, env.obs_dim, env.action_dim)
    return algo, policy, env


def test_first_minibatch_has_ratio_one_and_no_kl_in_every_iteration() -> None:
    # One epoch of one minibatch: the update's metrics are those of its first minibatch,
    # evaluated before any gradient step, so its ratio must be exactly 1.
    algo, policy, env = _setup(n_epochs=1, num_minibatches=1)
    obs, _ = env.reset(seed=0)
    for iteration in range(3):  # from the 2nd on the statistics are non-trivial
        obs = algo.collect_rollout(env, obs)
        buf = algo.buffer
        assert buf is not None
        with torch.no_grad():
            log_probs, _, values = policy.evaluate_actions(
                buf.obs.reshape(T * N, 1), buf.actions.reshape(T * N, 1)
            )
        ratio = torch.exp(log_probs - buf.log_probs.reshape(-1))
        assert torch.equal(ratio, torch.ones_like(ratio)), iteration
        assert torch.equal(values, buf.values.reshape(-1)), iteration
        metrics = algo.update()
        assert metrics["approx_kl"].item() == 0.0, iteration
        assert metrics["clipfrac"].item() == 0.0, iteration


def test_statistics_change_once_per_iteration_to_the_rollouts_moments() -> None:
    algo, policy, env = _setup(n_epochs=2, num_minibatches=4)
    normalizer = policy.obs_normalizer
    assert normalizer is not None
    obs, _ = env.reset(seed=0)
    seen = []
    for _ in range(2):
        before = {k: v.clone() for k, v in normalizer.state_dict().items()}
        obs = algo.collect_rollout(env, obs)
        for key, value in normalizer.state_dict().items():
            assert torch.equal(value, before[key]), f"{key} changed during the rollout"
        assert algo.buffer is not None
        seen.append(algo.buffer.obs.reshape(-1).double().clone())
        algo.update()
        everything = torch.cat(seen)
        assert normalizer.count.item() == everything.numel()
        torch.testing.assert_close(normalizer.mean.double(), everything.mean().reshape(1))
        torch.testing.assert_close(
            normalizer.var.double(), everything.var(unbiased=False).reshape(1)
        )
