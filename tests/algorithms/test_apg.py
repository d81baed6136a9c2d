"""APG: its gradient against closed forms on a 1-D linear system, against finite
differences on PointMass, segment truncation, episode ends, the Adam step, refusals."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
import pytest
import torch
from torch import nn

from embodichain_rl.algorithms import APG
from embodichain_rl.envs import PointMassEnv
from embodichain_rl.envs.base import StepResult
from embodichain_rl.envs.differentiable import DifferentiableEnv
from embodichain_rl.envs.push_cube import PushCubeEnv
from embodichain_rl.policies.actor_only import ActorOnly
from embodichain_rl.policies.base import Policy

X0 = torch.tensor([[1.0], [-2.0], [0.5]])
"""Start of each env of the linear system (mean of x0^2 is 1.75)."""


class Line(DifferentiableEnv):
    """x' = x + a, reward -x'^2, every episode starts at ``X0``; truncates at the limit."""

    def __init__(self, *, max_episode_steps: int | None = None) -> None:
        self.num_envs, self.device = X0.shape[0], torch.device("cpu")
        self.max_episode_steps = max_episode_steps
        self.single_observation_space = gym.spaces.Box(-np.inf, np.inf, (1,), np.float32)
        self.single_action_space = gym.spaces.Box(-np.inf, np.inf, (1,), np.float32)
        self.x, self.elapsed = X0.clone(), torch.zeros(3, dtype=torch.int64)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        self.x, self.elapsed = X0.clone(), torch.zeros(3, dtype=torch.int64)
        return self.x.clone(), {}

    def differentiable_step(self, action: torch.Tensor) -> StepResult:
        self.x = self.x + action
        self.elapsed = self.elapsed + 1
        reward = -self.x[:, 0].square()
        terminated = torch.zeros(3, dtype=torch.bool)
        truncated = torch.zeros(3, dtype=torch.bool)
        if self.max_episode_steps is not None:
            truncated = self.elapsed >= self.max_episode_steps
        final_obs = self.x
        self.x = torch.where(truncated[:, None], X0, self.x)
        self.elapsed = torch.where(truncated, 0, self.elapsed)
        info = {"final_obs": final_obs, "rewards": {}, "metrics": {}}
        return self.x, reward, terminated, truncated, info

    def detach_state(self) -> torch.Tensor:
        self.x = self.x.detach()
        return self.x.clone()


class LinearPolicy(Policy):
    """a = theta * obs: reparameterised with zero noise, so the math stays closed-form."""

    def __init__(self, theta: float) -> None:
        super().__init__()
        self.theta = nn.Parameter(torch.tensor(theta))

    def get_action(self, obs: torch.Tensor, deterministic: bool = False):
        zeros = torch.zeros(obs.shape[0])
        return self.theta * obs, zeros, zeros

    def get_value(self, obs: torch.Tensor) -> torch.Tensor:
        return torch.zeros(obs.shape[0])

    def evaluate_actions(self, obs: torch.Tensor, actions: torch.Tensor):
        zeros = torch.zeros(obs.shape[0])
        return zeros, zeros, zeros


def _gradient(theta: float, steps: int, horizon: int, gamma: float, limit: int | None = None):
    policy = LinearPolicy(theta)
    apg = APG(policy=policy, device="cpu", horizon=horizon, gamma=gamma)
    apg.initialize_buffer(steps, 3, 1, 1)
    env = Line(max_episode_steps=limit)
    apg.collect_rollout(env, env.reset()[0])
    assert policy.theta.grad is not None
    return policy.theta.grad.item(), apg


def test_full_backpropagation_gradient_is_the_closed_form() -> None:
    # x_t = (1 + th)^t x0, r_t = -(1 + th)^(2t + 2) x0^2, R = sum_t g^t r_t, loss = -mean R:
    # dloss/dth = mean(x0^2) * sum_t g^t (2t + 2) (1 + th)^(2t + 1).
    theta, gamma, steps = -0.3, 0.9, 4
    expected = 1.75 * sum(gamma**t * (2 * t + 2) * (1 + theta) ** (2 * t + 1) for t in range(steps))
    grad, _ = _gradient(theta, steps, horizon=steps, gamma=gamma)
    assert grad == pytest.approx(expected, rel=1e-5)


def test_segments_cut_the_graph_at_every_boundary() -> None:
    # horizon 1: each step's start x_t is a constant, so the gradient is
    # mean(x0^2) * sum_t g^t * 2 (1 + th) * (1 + th)^(2t): the chain through x_t is gone.
    theta, gamma, steps = -0.3, 0.9, 4
    expected = 1.75 * sum(gamma**t * 2 * (1 + theta) ** (2 * t + 1) for t in range(steps))
    grad, _ = _gradient(theta, steps, horizon=1, gamma=gamma)
    assert grad == pytest.approx(expected, rel=1e-5)
    full, _ = _gradient(theta, steps, horizon=steps, gamma=gamma)
    assert abs(full - grad) > 0.5  # truncation changes the gradient


def test_discount_restarts_and_no_gradient_crosses_an_episode_end() -> None:
    # Episodes of 2 steps inside one 4-step segment: two identical 2-step episodes, each
    # discounted from 1 again, so the gradient is twice the 2-step closed form.
    theta, gamma = 0.2, 0.8
    two_steps = 1.75 * sum(gamma**t * (2 * t + 2) * (1 + theta) ** (2 * t + 1) for t in range(2))
    grad, _ = _gradient(theta, 4, horizon=4, gamma=gamma, limit=2)
    assert grad == pytest.approx(2 * two_steps, rel=1e-5)


def test_update_takes_one_clipped_adam_step_and_reports_device_scalars() -> None:
    grad, apg = _gradient(-0.3, 4, horizon=4, gamma=0.9)
    before = apg.policy.theta.item()
    metrics = apg.update()
    # Adam's first step moves each parameter by lr * sign(grad) (clipping keeps the sign).
    assert apg.policy.theta.item() == pytest.approx(before - 3e-3 * np.sign(grad), abs=1e-7)
    assert metrics["grad_norm"].item() == pytest.approx(abs(grad), rel=1e-5)
    objective = -1.75 * sum(0.9**t * 0.7 ** (2 * t + 2) for t in range(4))
    assert metrics["objective"].item() == pytest.approx(objective, rel=1e-5)
    assert metrics["loss"].item() == pytest.approx(-objective, rel=1e-5)
    assert all(value.shape == () for value in metrics.values())
    with pytest.raises(RuntimeError, match="collect_rollout"):
        apg.update()


def _pointmass_objective(policy: ActorOnly, state: dict, steps: int) -> torch.Tensor:
    env = PointMassEnv(num_envs=4)
    env.load_state_dict(state)
    torch.manual_seed(0)
    apg = APG(policy=policy, device="cpu", horizon=steps, gamma=0.95)
    apg.initialize_buffer(steps, 4, 14, 2)
    apg.collect_rollout(env, env.detach_state())
    return apg.update()["objective"]


def test_pointmass_gradient_matches_finite_differences() -> None:
    torch.manual_seed(3)
    policy = ActorOnly(obs_dim=14, action_dim=2, actor={"hidden_sizes": [8]}, init_log_std=-1.0)
    env = PointMassEnv(num_envs=4)
    env.reset(seed=1)
    state = env.state_dict()
    probe = APG(policy=policy, device="cpu", horizon=8, gamma=0.95)
    probe.initialize_buffer(8, 4, 14, 2)
    torch.manual_seed(0)
    probe.collect_rollout(env, env.detach_state())
    params = {"log_std": policy.log_std, "bias": policy.actor[-1].bias}
    analytic = {name: -p.grad.clone() for name, p in params.items()}  # d objective / d p
    eps = 1e-2
    for name, param in params.items():
        for i in range(2):
            with torch.no_grad():
                param[i] += eps
                plus = _pointmass_objective(_frozen(policy), state, 8)
                param[i] -= 2 * eps
                minus = _pointmass_objective(_frozen(policy), state, 8)
                param[i] += eps
            numeric = ((plus - minus) / (2 * eps)).item()
            assert analytic[name][i].item() == pytest.approx(numeric, rel=3e-2, abs=1e-4), name


def _frozen(policy: ActorOnly) -> ActorOnly:
    """A copy of ``policy`` (the objective's own Adam step must not move the original)."""
    copy = ActorOnly(obs_dim=14, action_dim=2, actor={"hidden_sizes": [8]}, init_log_std=-1.0)
    copy.load_state_dict(policy.state_dict())
    return copy


def test_refuses_envs_and_policies_it_cannot_differentiate() -> None:
    policy = ActorOnly(obs_dim=14, action_dim=2)
    apg = APG(policy=policy, device="cpu")
    apg.initialize_buffer(4, 2, 14, 2)
    env = PushCubeEnv(num_envs=2, control_mode="ee_delta_pos")
    with pytest.raises(TypeError, match=r"needs a differentiable env .* PushCubeEnv is not one"):
        apg.collect_rollout(env, env.reset(seed=0)[0])

    class Frozen(LinearPolicy):
        def get_action(self, obs: torch.Tensor, deterministic: bool = False):
            action, zeros, _ = super().get_action(obs)
            return action.detach(), zeros, zeros

    frozen = APG(policy=Frozen(0.1), device="cpu")
    frozen.initialize_buffer(2, 3, 1, 1)
    with pytest.raises(TypeError, match="without gradient"):
        frozen.collect_rollout(Line(), X0.clone())
    with pytest.raises(TypeError, match="unknown keyword 'horizn'"):
        APG(policy=policy, device="cpu", horizn=4)
    with pytest.raises(ValueError, match="horizon must be >= 1"):
        APG(policy=policy, device="cpu", horizon=0)
