"""GRPO with the ActorOnly policy: the rollout (resets, shared starts, masks), the first
minibatch's ratio, the frozen reference, checkpoint state, episode statistics across its
resets, a learning run, and (on a GPU) no host synchronisation."""

from __future__ import annotations

import pytest
import torch

from embodichain_rl.algorithms import GRPO
from embodichain_rl.algorithms.base import DISCARDED_EPISODES_KEY
from embodichain_rl.algorithms.group_advantage import alive_mask
from embodichain_rl.envs import PushCubeEnv
from embodichain_rl.policies import ActorOnly, policy_space_kwargs
from embodichain_rl.trainer.episode_stats import EpisodeTracker
from tests.algorithms.test_ppo_learns import greedy_return
from tests.algorithms.toy_envs import EPISODE, MoveToTarget
from tests.envs.test_start_groups import assert_grouped

NET = {"hidden_sizes": [64, 64], "activation": "tanh"}


def make(
    num_envs: int = 16, steps: int = 12, device: str = "cpu", **hyper: object
) -> tuple[PushCubeEnv, GRPO]:
    env = PushCubeEnv(
        num_envs=num_envs, device=device, control_mode="ee_delta_pos", max_episode_steps=8
    )
    policy = ActorOnly(**policy_space_kwargs(env), actor=NET, normalize_obs=True)
    options = {"group_size": 4, "batch_size": 64, "n_epochs": 2, "seed": 0, **hyper}
    algo = GRPO(policy=policy, device=device, **options)
    algo.initialize_buffer(steps, env.num_envs, env.obs_dim, env.action_dim)
    return env, algo


def test_first_minibatch_ratio_is_one_and_the_reference_stays_frozen() -> None:
    torch.manual_seed(0)
    env, algo = make(kl_coef=0.1)
    initial = {k: v.clone() for k, v in algo.policy.state_dict().items()}
    obs, _ = env.reset(seed=0)
    algo.collect_rollout(env, obs)
    flat = algo.buffer.flat()
    log_probs, _, _ = algo.policy.evaluate_actions(flat["obs"], flat["actions"])
    torch.testing.assert_close(log_probs, flat["log_probs"], rtol=0, atol=1e-6)
    ref_log_probs, _, _ = algo.reference.evaluate_actions(flat["obs"], flat["actions"])
    torch.testing.assert_close(ref_log_probs, flat["log_probs"], rtol=0, atol=1e-6)
    metrics = algo.update()
    assert 0 < metrics["ref_kl"].item() < 0.1
    assert metrics["approx_kl"].item() > 0
    for name, value in algo.reference.state_dict().items():
        torch.testing.assert_close(value, initial[name], rtol=0, atol=0)
    moved = algo.policy.state_dict()["actor.0.weight"] - initial["actor.0.weight"]
    assert moved.abs().max().item() > 0
    assert float(algo.policy.obs_normalizer.count) == 16 * 12


@pytest.mark.parametrize("shared", [True, False])
def test_every_rollout_starts_from_a_reset_shared_in_groups_on_request(shared: bool) -> None:
    torch.manual_seed(0)
    env, algo = make(shared_starts=shared)
    obs, _ = env.reset(seed=1)
    last = algo.collect_rollout(env, obs)
    first_obs = algo.buffer.obs[0].clone()
    if shared:
        assert_grouped(first_obs, 4)
    else:  # EmbodiChain's groups: consecutive envs with their own starts
        assert torch.unique(first_obs, dim=0).shape[0] == 16
    algo.collect_rollout(env, last)
    assert not torch.equal(algo.buffer.obs[0], first_obs)  # reset again: new starts
    torch.testing.assert_close(algo.buffer.data["mask"], alive_mask(algo.buffer.dones, True))


def test_without_reset_every_rollout_the_rollout_continues_from_obs() -> None:
    torch.manual_seed(0)
    env, algo = make(reset_every_rollout=False, truncate_at_first_done=False)
    obs, _ = env.reset(seed=2)
    algo.collect_rollout(env, obs)
    torch.testing.assert_close(algo.buffer.obs[0], obs)
    assert algo.buffer.data["mask"].min().item() == 1.0


def test_state_dict_round_trip_includes_the_reference() -> None:
    torch.manual_seed(0)
    env, algo = make(kl_coef=0.1)
    obs, _ = env.reset(seed=0)
    algo.collect_rollout(env, obs)
    algo.update()
    state = algo.state_dict()
    torch.manual_seed(1)
    _, other = make(kl_coef=0.1)
    other.load_state_dict(state)
    for name, value in algo.reference.state_dict().items():
        torch.testing.assert_close(other.reference.state_dict()[name], value)
    assert other.update_count == 1
    assert other.optimizer.param_groups[0]["lr"].device.type == "cpu"
    _, no_reference = make(kl_coef=0.0)
    with pytest.raises(ValueError, match="kl_coef"):
        no_reference.load_state_dict(state)


def test_episode_statistics_drop_the_episodes_a_reset_cut_off() -> None:
    tracker = EpisodeTracker(num_envs=2, device=torch.device("cpu"))
    no, yes = torch.zeros(2, dtype=torch.bool), torch.ones(2, dtype=torch.bool)
    for _ in range(3):  # three steps of unfinished episodes, then the algorithm resets
        tracker.on_step(torch.ones(2), no, no, {})
    tracker.on_step(torch.full((2,), 5.0), yes, no, {DISCARDED_EPISODES_KEY: yes})
    stats, _ = tracker.read()
    assert stats["charts/episode_return"] == 5.0
    assert stats["charts/episode_length"] == 1.0


def test_grpo_learns_to_reach_the_target() -> None:
    torch.manual_seed(0)
    env = MoveToTarget(num_envs=64)
    policy = ActorOnly(obs_dim=1, action_dim=1, actor={"hidden_sizes": [32, 32]}, init_log_std=-0.5)
    algo = GRPO(
        policy=policy,
        device="cpu",
        group_size=8,
        learning_rate=3e-3,
        n_epochs=4,
        batch_size=256,
        gamma=0.9,
        kl_coef=0.01,
        seed=0,
    )
    algo.initialize_buffer(EPISODE, env.num_envs, env.obs_dim, env.action_dim)
    before = greedy_return(policy, seed=123)
    obs, _ = env.reset(seed=0)
    for _ in range(20):
        obs = algo.collect_rollout(env, obs)
        metrics = algo.update()
    after = greedy_return(policy, seed=123)
    # Standing still scores about -16 * E|target| = -8; heading straight for the target
    # (0.25 per step) scores about -0.5.
    assert before < -7.0
    assert after > -2.0, (before, after)
    assert torch.isfinite(torch.stack(list(metrics.values()))).all()


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
@pytest.mark.parametrize("kl_coef", [0.0, 0.1])
def test_rollout_and_update_do_not_sync(kl_coef: float) -> None:
    torch.manual_seed(0)
    env, algo = make(num_envs=256, steps=8, device="cuda", kl_coef=kl_coef, shared_starts=True)
    obs, _ = env.reset(seed=0)
    obs = algo.collect_rollout(env, obs)  # warm-up: lazy optimizer state
    algo.update()
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode("error")
    try:
        algo.collect_rollout(env, obs)
        metrics = algo.update()
    finally:
        torch.cuda.set_sync_debug_mode("default")
    assert all(v.device.type == "cuda" for v in metrics.values())
