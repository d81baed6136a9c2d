"""Start groups (``reset(options={"start_group_size": g})``): the envs of a group begin every
episode from one initial state, different groups from different ones. Every env that offers
them (PushCube, PointMass) passes the same checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import torch

from embodichain_rl.algorithms import GRPO
from embodichain_rl.envs import CartPoleEnv, PointMassEnv, PushCubeEnv
from embodichain_rl.envs.base import START_GROUP_OPTION, EmbodiedEnv, group_episode_counters
from embodichain_rl.policies import ActorOnly

GROUPED = {START_GROUP_OPTION: 4}

ENVS: dict[str, Callable[..., EmbodiedEnv]] = {
    "push_cube": lambda n, **kw: PushCubeEnv(num_envs=n, control_mode="ee_delta_pos", **kw),
    "point_mass": lambda n, **kw: PointMassEnv(num_envs=n, **kw),
    "cart_pole": lambda n, **kw: CartPoleEnv(num_envs=n, **kw),
}
"""Each env with start groups, built as ``ENVS[name](num_envs, **overrides)``."""

per_env = pytest.mark.parametrize("make", list(ENVS.values()), ids=list(ENVS))


def assert_grouped(obs: torch.Tensor, group: int) -> None:
    """Rows equal within each block of ``group`` rows, and every block different."""
    blocks = obs.view(-1, group, obs.shape[-1])
    torch.testing.assert_close(blocks, blocks[:, :1].expand_as(blocks), rtol=0, atol=0)
    firsts = blocks[:, 0]
    distance = torch.cdist(firsts, firsts) + torch.eye(len(firsts))
    assert bool((distance > 1e-3).all()), "two groups drew the same start"


def _counters(env: Any) -> list[int]:
    return env.episode_counters.tolist()


@per_env
def test_grouped_reset_shares_starts_within_groups_only(make: Callable[..., Any]) -> None:
    env = make(12)
    obs, _ = env.reset(seed=3, options=GROUPED)
    assert_grouped(obs, 4)
    ungrouped, _ = env.reset(seed=3)
    assert torch.unique(ungrouped, dim=0).shape[0] == 12
    # Group k draws what env k draws ungrouped: the same seeded stream, indexed by group.
    torch.testing.assert_close(obs[::4], ungrouped[:3])


@per_env
def test_a_reset_realigns_counters_that_auto_resets_spread(make: Callable[..., Any]) -> None:
    env = make(8)
    env.reset(seed=0, options=GROUPED)
    state = env.state_dict()
    state["episode"] = torch.tensor([0, 1, 2, 3, 5, 5, 4, 5])
    env.load_state_dict(state)
    obs, _ = env.reset(options=GROUPED)
    assert _counters(env) == [4, 4, 4, 4, 6, 6, 6, 6]
    assert_grouped(obs, 4)
    env.load_state_dict(state)
    env.reset()  # ungrouped: every counter just advances
    assert _counters(env) == [1, 2, 3, 4, 6, 6, 5, 6]


@per_env
def test_auto_resets_keep_the_groups_until_the_next_reset(make: Callable[..., Any]) -> None:
    env = make(8, max_episode_steps=2)
    first, _ = env.reset(seed=5, options=GROUPED)
    actions = torch.zeros(8, env.action_dim)
    env.step(actions)
    second, _, terminated, truncated, _ = env.step(actions)
    assert bool((terminated | truncated).all())
    assert_grouped(second, 4)  # the second episode's start, shared again
    assert not torch.allclose(second, first)
    third, _ = env.reset(seed=5)  # a reset without the option ends the grouping
    assert torch.unique(third, dim=0).shape[0] == 8


def test_point_mass_state_keeps_its_start_groups() -> None:
    env = PointMassEnv(num_envs=8, max_episode_steps=2)
    env.reset(seed=1, options=GROUPED)
    state = env.state_dict()
    copy = PointMassEnv(num_envs=8, max_episode_steps=2)  # ungrouped until it loads the state
    copy.load_state_dict(state)
    actions = torch.zeros(8, 2)
    for _ in range(2):
        expected, got = env.step(actions)[0], copy.step(actions)[0]
    torch.testing.assert_close(got, expected, rtol=0, atol=0)
    assert_grouped(got, 4)  # the auto-reset after the load still draws per group


def test_grpo_rollouts_on_point_mass_start_in_shared_groups() -> None:
    torch.manual_seed(0)
    env = PointMassEnv(num_envs=8, max_episode_steps=3)
    policy = ActorOnly(obs_dim=env.obs_dim, action_dim=env.action_dim)
    algo = GRPO(policy=policy, device="cpu", group_size=4, shared_starts=True, seed=0)
    algo.initialize_buffer(5, env.num_envs, env.obs_dim, env.action_dim)
    last = algo.collect_rollout(env, env.reset(seed=2)[0])
    first = algo.buffer.obs[0].clone()
    assert_grouped(first, 4)
    assert_grouped(algo.buffer.obs[3], 4)  # every env truncated at step 3: shared again
    algo.collect_rollout(env, last)
    assert_grouped(algo.buffer.obs[0], 4)
    assert not torch.equal(algo.buffer.obs[0], first)  # reset again: new starts


def test_group_counters_take_each_groups_latest_plus_one() -> None:
    episode = torch.tensor([3, 1, 2, 0, 7, 9])
    assert group_episode_counters(episode, 3).tolist() == [4, 4, 4, 10, 10, 10]
    assert group_episode_counters(episode, 1).tolist() == [4, 2, 3, 1, 8, 10]


@per_env
@pytest.mark.parametrize("size", [3, 0, 2.0, True])
def test_a_group_size_that_does_not_divide_the_envs_is_refused(
    make: Callable[..., Any], size: object
) -> None:
    env = make(8)
    with pytest.raises(
        ValueError, match="start_group_size must be a positive divisor of num_envs=8"
    ):
        env.reset(options={START_GROUP_OPTION: size})
