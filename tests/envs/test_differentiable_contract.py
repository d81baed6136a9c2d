"""The DifferentiableEnv contract on PointMass: gradients of a rollout's return against
central finite differences, detach_state, auto-reset cutting the graph, step without one."""

from __future__ import annotations

import torch

from embodichain_rl.envs import DifferentiableEnv, PointMassEnv, is_differentiable
from embodichain_rl.envs.push_cube import PushCubeEnv


def _rollout_return(env: PointMassEnv, state: dict, actions: torch.Tensor) -> torch.Tensor:
    env.load_state_dict(state)
    total = torch.zeros(())
    for action in actions:
        total = total + env.differentiable_step(action)[1].sum()
    return total


def test_rollout_gradient_matches_central_finite_differences() -> None:
    env = PointMassEnv(num_envs=4, max_episode_steps=100)
    env.reset(seed=7)
    state = env.state_dict()
    actions = (torch.rand(6, 4, 2, generator=torch.Generator().manual_seed(1)) - 0.5) * 1.6
    actions.requires_grad_(True)
    _rollout_return(env, state, actions).backward()
    assert actions.grad is not None
    eps = 5e-2
    numeric = torch.zeros_like(actions)
    with torch.no_grad():
        for index in range(actions.numel()):
            bumped = actions.detach().clone().view(-1)
            bumped[index] += eps
            plus = _rollout_return(env, state, bumped.view_as(actions))
            bumped[index] -= 2 * eps
            minus = _rollout_return(env, state, bumped.view_as(actions))
            numeric.view(-1)[index] = (plus - minus) / (2 * eps)
    torch.testing.assert_close(actions.grad, numeric, rtol=2e-2, atol=2e-5)
    assert actions.grad[0].abs().min() > 0  # early actions reach every later reward


def test_detach_state_cuts_the_graph_without_changing_values() -> None:
    env = PointMassEnv(num_envs=2)
    env.reset(seed=0)
    action = torch.full((2, 2), 0.5, requires_grad=True)
    obs, _, _, _, _ = env.differentiable_step(action)
    assert obs.requires_grad and env.position.grad_fn is not None
    detached = env.detach_state()
    assert not detached.requires_grad and env.position.grad_fn is None
    assert torch.equal(detached, obs.detach())
    later = env.differentiable_step(torch.zeros(2, 2, requires_grad=True))[1]
    assert torch.autograd.grad(later.sum(), action, allow_unused=True)[0] is None


def test_auto_reset_rows_carry_no_gradient_into_the_new_episode() -> None:
    env = PointMassEnv(num_envs=2, max_episode_steps=2)
    env.reset(seed=0)
    action = torch.full((2, 2), 0.3, requires_grad=True)
    env.differentiable_step(action)
    obs, reward, _, truncated, info = env.differentiable_step(torch.zeros(2, 2))
    assert truncated.all()
    terminal = torch.autograd.grad(info["final_obs"][:, :2].sum(), action, retain_graph=True)[0]
    assert terminal.abs().min() > 0  # the terminal observation keeps its gradient
    assert torch.autograd.grad(reward.sum(), action, retain_graph=True)[0].abs().min() > 0
    restarted = torch.autograd.grad(obs.sum(), action)[0]
    assert torch.equal(restarted, torch.zeros_like(action))  # constant fresh states


def test_step_holds_no_graph_and_matches_differentiable_step() -> None:
    first, second = PointMassEnv(num_envs=3), PointMassEnv(num_envs=3)
    first.reset(seed=4)
    second.reset(seed=4)
    action = torch.full((3, 2), -0.7, requires_grad=True)
    plain = first.step(action)
    graph = second.differentiable_step(action)
    assert not plain[0].requires_grad and not plain[1].requires_grad
    assert graph[1].requires_grad
    assert torch.equal(plain[0], graph[0].detach()) and torch.equal(plain[1], graph[1].detach())


def test_only_opted_in_envs_are_differentiable() -> None:
    assert is_differentiable(PointMassEnv) and isinstance(PointMassEnv(), DifferentiableEnv)
    assert not is_differentiable(PushCubeEnv)
