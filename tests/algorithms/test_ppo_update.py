"""PPO.update: metric values on a known first minibatch, schedule, target_kl, state."""

from __future__ import annotations

import math

import pytest
import torch

from embodichain_rl.algorithms import PPO
from embodichain_rl.policies import ActorCritic
from tests.algorithms.toy_envs import MoveToTarget

T, N = 8, 16
NET = {"hidden_sizes": [16], "activation": "tanh"}


def _setup(**ppo_kwargs: object) -> tuple[PPO, MoveToTarget, torch.Tensor]:
    torch.manual_seed(0)
    env = MoveToTarget(num_envs=N)
    policy = ActorCritic(obs_dim=1, action_dim=1, actor=NET, critic=NET, init_log_std=-0.3)
    algo = PPO(policy=policy, device="cpu", **ppo_kwargs)  # type: ignore[arg-type]
    algo.initialize_buffer(T, N, env.obs_dim, env.action_dim)
    obs, _ = env.reset(seed=0)
    return algo, env, obs


def _adam_steps(algo: PPO) -> int:
    state = next(iter(algo.optimizer.state.values()))
    return int(state["step"])


def test_single_full_batch_metrics_match_the_rollout() -> None:
    algo, env, obs = _setup(n_epochs=1, num_minibatches=1, ent_coef=0.01, vf_coef=0.5)
    algo.collect_rollout(env, obs)
    buf = algo.buffer
    assert buf is not None
    # Advantages are standardised once over the whole rollout.
    torch.testing.assert_close(buf.advantages.mean(), torch.tensor(0.0), atol=1e-5, rtol=0)
    torch.testing.assert_close(buf.advantages.std(), torch.tensor(1.0), atol=1e-4, rtol=0)
    # The one minibatch is evaluated before the step: ratio 1, so the surrogate is
    # -mean(advantages) = 0, no KL, nothing clipped; the value loss is the rollout's.
    expected_value_loss = 0.5 * (buf.values - buf.returns).square().mean()
    expected_entropy = 0.5 + 0.5 * math.log(2 * math.pi) - 0.3
    metrics = algo.update()
    torch.testing.assert_close(metrics["policy_loss"], torch.tensor(0.0), atol=1e-5, rtol=0)
    torch.testing.assert_close(metrics["approx_kl"], torch.tensor(0.0), atol=1e-6, rtol=0)
    torch.testing.assert_close(metrics["clipfrac"], torch.tensor(0.0))
    torch.testing.assert_close(metrics["value_loss"], expected_value_loss)
    torch.testing.assert_close(metrics["entropy"], torch.tensor(expected_entropy))
    torch.testing.assert_close(
        metrics["loss"], 0.5 * expected_value_loss - 0.01 * expected_entropy, atol=1e-5, rtol=0
    )
    ev = 1 - (buf.returns - buf.values).var() / buf.returns.var()
    torch.testing.assert_close(metrics["explained_variance"], ev)
    # action_std reports the policy after the update.
    policy = algo.policy
    assert isinstance(policy, ActorCritic)
    torch.testing.assert_close(metrics["action_std"], policy.log_std.detach().exp().mean())
    assert _adam_steps(algo) == 1


def test_metrics_are_scalar_device_tensors() -> None:
    algo, env, obs = _setup(n_epochs=2, num_minibatches=None, batch_size=32)
    algo.collect_rollout(env, obs)
    metrics = algo.update()
    expected = {
        "policy_loss",
        "value_loss",
        "entropy",
        "approx_kl",
        "clipfrac",
        "explained_variance",
        "lr",
        "action_std",
        "loss",
        "epochs",
        "reward_scale_std",  # reward scaling is on by default
    }
    assert set(metrics) == expected
    for value in metrics.values():
        assert isinstance(value, torch.Tensor) and value.shape == () and value.device == algo.device
    assert _adam_steps(algo) == 2 * (T * N // 32)


def test_linear_schedule_decays_per_update() -> None:
    algo, env, obs = _setup(
        n_epochs=1, num_minibatches=2, learning_rate=1e-3, lr_schedule="linear", total_updates=4
    )
    seen = []
    for _ in range(4):
        obs = algo.collect_rollout(env, obs)
        seen.append(algo.update()["lr"].item())
    assert seen == pytest.approx([1e-3, 0.75e-3, 0.5e-3, 0.25e-3])
    assert algo.optimizer.param_groups[0]["lr"] == pytest.approx(0.25e-3)


def test_target_kl_stops_after_the_epoch_that_exceeds_it() -> None:
    algo, env, obs = _setup(n_epochs=5, num_minibatches=4, learning_rate=1e-2, target_kl=1e-9)
    algo.collect_rollout(env, obs)
    metrics = algo.update()
    assert metrics["epochs"].item() == 1
    assert _adam_steps(algo) == T * N // 32


def test_update_needs_a_full_rollout() -> None:
    algo, _, _ = _setup()
    with pytest.raises(RuntimeError, match="collect_rollout"):
        algo.update()
    bare = PPO(policy=ActorCritic(obs_dim=1, action_dim=1), device="cpu")
    with pytest.raises(RuntimeError, match="initialize_buffer"):
        bare.update()


def test_state_dict_round_trip_restores_optimizer_schedule_and_shuffling() -> None:
    kwargs = {"n_epochs": 2, "num_minibatches": 4, "lr_schedule": "linear", "total_updates": 10}
    algo, env, obs = _setup(**kwargs)
    for _ in range(2):
        obs = algo.collect_rollout(env, obs)
        algo.update()
    state = algo.state_dict()

    clone, _, _ = _setup(**kwargs)
    clone.policy.load_state_dict(algo.policy.state_dict())
    clone.load_state_dict(state)
    assert clone.update_count == 2
    assert clone.learning_rate == pytest.approx(algo.learning_rate)
    assert _adam_steps(clone) == _adam_steps(algo)
    for key, value in algo.optimizer.state_dict()["state"][0].items():
        torch.testing.assert_close(clone.optimizer.state_dict()["state"][0][key], value)
    a = torch.randperm(100, generator=algo.generator)
    b = torch.randperm(100, generator=clone.generator)
    assert torch.equal(a, b)
