"""On a GPU, an APG iteration (differentiable PointMass steps, backward per segment, the
clipped Adam step) runs without a single host synchronisation."""

from __future__ import annotations

import pytest
import torch

from embodichain_rl.algorithms import APG
from embodichain_rl.envs import PointMassEnv
from embodichain_rl.policies.actor_only import ActorOnly

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
]


@pytest.mark.parametrize("normalize_obs", [False, True])
def test_apg_iteration_does_not_sync(normalize_obs: bool) -> None:
    device = torch.device("cuda")
    torch.manual_seed(0)
    env = PointMassEnv(num_envs=128, device=device, max_episode_steps=6)
    policy = ActorOnly(obs_dim=14, action_dim=2, normalize_obs=normalize_obs)
    algo = APG(policy=policy, device=device, horizon=4, ent_coef=0.01)
    algo.initialize_buffer(8, env.num_envs, env.obs_dim, env.action_dim)
    obs, _ = env.reset(seed=0)
    obs = algo.collect_rollout(env, obs)  # warm-up: lazy optimizer state
    algo.update()
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode("error")
    try:
        obs = algo.collect_rollout(env, obs)
        metrics = algo.update()
    finally:
        torch.cuda.set_sync_debug_mode("default")
    assert all(value.device.type == "cuda" for value in metrics.values())
    assert torch.isfinite(torch.stack(list(metrics.values()))).all()
