"""SAC's and TD3's compiled losses and optimiser steps compute what eager PyTorch computes
(eager is the reference): same random stream, same metrics, weights and targets."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import torch

from embodichain_rl.algorithms.off_policy.base import OffPolicyAlgorithm
from embodichain_rl.algorithms.off_policy.sac import SAC
from embodichain_rl.algorithms.off_policy.td3 import TD3
from embodichain_rl.policies.deterministic_actor_critic import DeterministicActorCritic
from embodichain_rl.policies.squashed_gaussian import SquashedGaussianActorCritic
from tests.algorithms.toy_envs import MoveToTarget

TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}
"""float32 kernels fused differently agree to about this much after a few steps."""
NET = {"hidden_sizes": [32, 32], "activation": "relu"}
LEARNER = {
    "batch_size": 32,
    "learning_starts": 32,
    "buffer_size": 256,
    "updates_per_step": 2,
    "max_grad_norm": 1.0,
    "seed": 5,
}


def make(name: str, mode: str) -> OffPolicyAlgorithm:
    torch.manual_seed(0)
    policy_kwargs: dict[str, Any] = {
        "obs_dim": 1,
        "action_dim": 1,
        "action_low": [-2.0],
        "action_high": [2.0],
        "actor": NET,
        "critic": NET,
        "normalize_obs": True,
    }
    algorithm: OffPolicyAlgorithm
    if name == "sac":
        algorithm = SAC(
            policy=SquashedGaussianActorCritic(**policy_kwargs), device="cpu", **LEARNER
        )
    else:
        algorithm = TD3(
            policy=DeterministicActorCritic(**policy_kwargs),
            device="cpu",
            policy_delay=2,
            **LEARNER,
        )
    algorithm.use_compile(mode)
    return algorithm


def learnable(module: torch.nn.Module) -> list[torch.Tensor]:
    return [p.detach() for p in module.parameters()]


@pytest.mark.parametrize("name", ["sac", "td3"])
def test_compiled_updates_match_eager(name: str) -> None:
    eager, compiled = make(name, "none"), make(name, "compile")
    env = MoveToTarget(num_envs=16, device="cpu")
    for algorithm in (eager, compiled):
        algorithm.initialize_buffer(2, env.num_envs, env.obs_dim, env.action_dim)
    initial = [p.clone() for p in learnable(eager.policy)]
    obs_eager, _ = env.reset(seed=0)
    obs_compiled = obs_eager.clone()
    env_compiled = copy.deepcopy(env)
    for _ in range(3):  # each rollout adds 32 transitions (= learning_starts), then 4 steps
        obs_eager = eager.collect_rollout(env, obs_eager)
        obs_compiled = compiled.collect_rollout(env_compiled, obs_compiled)
        expected, got = eager.update(), compiled.update()
        assert set(got) == set(expected)
        for key, value in expected.items():
            torch.testing.assert_close(got[key], value, **TOLERANCE, msg=key)
    assert eager.gradient_steps == compiled.gradient_steps == 3 * 2 * 2
    for p_compiled, p_eager in zip(
        learnable(compiled.policy), learnable(eager.policy), strict=True
    ):
        torch.testing.assert_close(p_compiled, p_eager, **TOLERANCE)
    for p_compiled, p_eager in zip(
        learnable(compiled.target_critic), learnable(eager.target_critic), strict=True
    ):
        torch.testing.assert_close(p_compiled, p_eager, **TOLERANCE)
    assert compiled.buffer is not None and eager.buffer is not None
    torch.testing.assert_close(compiled.buffer.actions, eager.buffer.actions, **TOLERANCE)
    moved = [
        not torch.allclose(a, b) for a, b in zip(learnable(eager.policy), initial, strict=True)
    ]
    assert all(moved), "some weights never moved: the actor or critic path went untested"


def test_cuda_graph_replay_is_refused_with_the_key() -> None:
    algorithm = make("sac", "none")
    with pytest.raises(
        ValueError,
        match=r"runtime.compile=cudagraphs: SAC supports runtime.compile in \['none', 'compile'\]",
    ):
        algorithm.use_compile("cudagraphs")
