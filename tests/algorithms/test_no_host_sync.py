"""On a GPU, a PPO rollout and update run without a single host synchronisation, eager
and on every fast path."""

from __future__ import annotations

import pytest
import torch

from embodichain_rl.algorithms import PPO
from embodichain_rl.envs.base import EmbodiedEnv
from embodichain_rl.envs.push_cube import PushCubeEnv
from embodichain_rl.policies import ActorCritic, policy_space_kwargs
from embodichain_rl.utils.compile import COMPILE_MODES
from tests.algorithms.toy_envs import MoveToTarget, StepToTarget

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
]


def make_env(name: str) -> EmbodiedEnv:
    if name == "push_cube":
        return PushCubeEnv(num_envs=256, device="cuda", max_episode_steps=6)
    if name == "step_to_target":  # MultiDiscrete: the categorical head
        return StepToTarget(num_envs=64, dims=2, device="cuda")
    return MoveToTarget(num_envs=64, device="cuda")


@pytest.mark.parametrize("mode", COMPILE_MODES)
@pytest.mark.parametrize("env_name", ["move_to_target", "push_cube", "step_to_target"])
@pytest.mark.parametrize("normalize_obs", [False, True])
def test_rollout_and_update_do_not_sync(mode: str, env_name: str, normalize_obs: bool) -> None:
    device = torch.device("cuda")
    torch.manual_seed(0)
    env = make_env(env_name)
    policy = ActorCritic(**policy_space_kwargs(env), normalize_obs=normalize_obs)
    algo = PPO(
        policy=policy,
        device=device,
        n_epochs=2,
        num_minibatches=2,
        clip_value_loss=True,
        lr_schedule="linear",
        total_updates=4,
    )
    algo.use_compile(mode)
    algo.initialize_buffer(8, env.num_envs, env.obs_dim, env.action_dim)
    obs, _ = env.reset(seed=0)
    for _ in range(2):  # warm-up: compilation, graph capture, lazy optimizer state
        obs = algo.collect_rollout(env, obs)
        algo.update()
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode("error")
    try:
        obs = algo.collect_rollout(env, obs)
        metrics = algo.update()
    finally:
        torch.cuda.set_sync_debug_mode("default")
    assert all(v.device.type == "cuda" for v in metrics.values())
    assert all(torch.isfinite(v) for k, v in metrics.items() if k != "explained_variance")
