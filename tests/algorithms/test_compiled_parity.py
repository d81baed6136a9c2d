"""The compiled fast path computes what eager PyTorch computes (eager is the reference)."""

from __future__ import annotations

import copy

import pytest
import torch
from torch._inductor import config as inductor_config

from embodichain_rl.algorithms import PPO
from embodichain_rl.algorithms.ppo import METRIC_NAMES
from embodichain_rl.envs.push_cube import PushCubeEnv
from embodichain_rl.policies import ActorCritic
from tests.algorithms.toy_envs import MoveToTarget

TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}
"""float32 kernels fused differently agree to about this much after one update."""


def make_ppo(policy: ActorCritic, mode: str) -> PPO:
    algo = PPO(
        policy=policy,
        device="cpu",
        learning_rate=3e-3,
        n_epochs=2,
        num_minibatches=2,
        clip_value_loss=True,
        lr_schedule="linear",
        total_updates=4,
        seed=3,
    )
    algo.use_compile(mode)
    return algo


def flat_params(policy: torch.nn.Module) -> torch.Tensor:
    return torch.cat([p.detach().reshape(-1) for p in policy.parameters()])


def flat_grads(policy: torch.nn.Module) -> torch.Tensor:
    return torch.cat([p.grad.reshape(-1) for p in policy.parameters() if p.grad is not None])


def test_compiled_update_gives_eager_losses_gradients_and_weights() -> None:
    torch.manual_seed(0)
    policy = ActorCritic(
        obs_dim=1,
        action_dim=1,
        actor={"hidden_sizes": [32, 32]},
        critic={"hidden_sizes": [32, 32]},
        normalize_obs=True,
    )
    eager, compiled = make_ppo(policy, "none"), make_ppo(copy.deepcopy(policy), "compile")
    env = MoveToTarget(num_envs=16, device="cpu")
    for algo in (eager, compiled):
        algo.initialize_buffer(8, env.num_envs, env.obs_dim, env.action_dim)
    obs, _ = env.reset(seed=0)
    eager.collect_rollout(env, obs)
    assert eager.buffer is not None and compiled.buffer is not None
    for name, tensor in eager.buffer.data.items():
        compiled.buffer.data[name].copy_(tensor)
    compiled.buffer.step = eager.buffer.step
    initial = flat_params(eager.policy)

    for _ in range(2):  # the second update runs on the already-compiled functions
        expected, got = eager.update(), compiled.update()
        for name in (*METRIC_NAMES, "lr", "epochs"):
            torch.testing.assert_close(got[name], expected[name], **TOLERANCE, msg=name)
        torch.testing.assert_close(
            flat_grads(compiled.policy), flat_grads(eager.policy), **TOLERANCE
        )
        for p_compiled, p_eager in zip(
            compiled.policy.parameters(), eager.policy.parameters(), strict=True
        ):
            torch.testing.assert_close(p_compiled, p_eager, **TOLERANCE)
    assert eager.update_count == compiled.update_count == 2
    assert not torch.allclose(flat_params(eager.policy), initial), "the updates changed nothing"


@pytest.mark.parametrize("control_mode", ["ee_delta_pos", "joint_delta_pos"])
def test_compiled_push_cube_rollout_fills_the_buffer_like_eager(control_mode: str) -> None:
    """Same seed, same policy: the compiled rollout (normalised observations, sampling,
    PushCube step, truncation bootstrap) writes the eager rollout's buffer, resets included."""
    torch.manual_seed(1)
    probe = PushCubeEnv(num_envs=1, control_mode=control_mode)
    policy = ActorCritic(
        obs_dim=probe.obs_dim,
        action_dim=probe.action_dim,
        actor={"hidden_sizes": [32]},
        critic={"hidden_sizes": [32]},
        normalize_obs=True,
    )
    policy.update_normalization(torch.randn(64, probe.obs_dim) * 3.0 + 1.0)  # not the identity
    buffers = []
    for mode in ("none", "compile"):
        env = PushCubeEnv(num_envs=8, control_mode=control_mode, max_episode_steps=5)
        algo = make_ppo(copy.deepcopy(policy), mode)
        algo.initialize_buffer(12, env.num_envs, env.obs_dim, env.action_dim)
        obs, _ = env.reset(seed=7)
        torch.manual_seed(2)
        with inductor_config.patch(fallback_random=True):  # eager's random stream when compiled
            algo.collect_rollout(env, obs)
        assert algo.buffer is not None
        buffers.append(algo.buffer.data)
    eager, compiled = buffers
    assert eager["dones"].sum() > 0, "no episode ended: the reset path went untested"
    for name, tensor in eager.items():
        torch.testing.assert_close(compiled[name], tensor, **TOLERANCE, msg=name)
