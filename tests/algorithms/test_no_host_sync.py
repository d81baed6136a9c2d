"""On a GPU, a PPO rollout and update run without a single host synchronisation."""

from __future__ import annotations

import pytest
import torch

from embodichain_rl.algorithms import PPO
from embodichain_rl.policies import ActorCritic
from tests.algorithms.toy_envs import MoveToTarget

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
]


@pytest.mark.parametrize("normalize_obs", [False, True])
def test_rollout_and_update_do_not_sync(normalize_obs: bool) -> None:
    device = torch.device("cuda")
    torch.manual_seed(0)
    env = MoveToTarget(num_envs=64, device="cuda")
    policy = ActorCritic(obs_dim=1, action_dim=1, normalize_obs=normalize_obs)
    algo = PPO(
        policy=policy,
        device=device,
        n_epochs=2,
        batch_size=256,
        clip_value_loss=True,
        lr_schedule="linear",
        total_updates=3,
    )
    algo.initialize_buffer(8, env.num_envs, env.obs_dim, env.action_dim)
    obs, _ = env.reset(seed=0)
    obs = algo.collect_rollout(env, obs)
    algo.update()  # warm-up: lazy CUDA / optimizer state initialisation may sync once
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode("error")
    try:
        obs = algo.collect_rollout(env, obs)
        metrics = algo.update()
    finally:
        torch.cuda.set_sync_debug_mode("default")
    assert all(v.device.type == "cuda" for v in metrics.values())
