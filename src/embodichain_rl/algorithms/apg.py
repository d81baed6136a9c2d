"""Analytic policy gradients (APG): backpropagate the discounted return through a
differentiable env, in segments (truncated backpropagation through time)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, ClassVar

import torch

from embodichain_rl.algorithms.apg_config import APGConfig, segment_lengths
from embodichain_rl.algorithms.base import BaseAlgorithm, StepCallback
from embodichain_rl.algorithms.optim.learner import (
    load_optimizer_state,
    optimizer_and_schedule,
    optimizer_state,
)
from embodichain_rl.algorithms.registry import register_algo
from embodichain_rl.envs.base import EmbodiedEnv
from embodichain_rl.envs.differentiable import DifferentiableEnv, is_differentiable
from embodichain_rl.policies.base import Policy
from embodichain_rl.policies.kwargs import config_from_kwargs
from embodichain_rl.policies.normalizer import batch_moments

METRIC_NAMES = ("objective", "entropy", "loss")
"""Sums over an iteration's segments (of per-env means) that ``update`` reports."""


def not_differentiable_message(env: Any) -> str:
    """The one line refusing an env that does not implement ``DifferentiableEnv``."""
    return (
        f"APG needs a differentiable env (embodichain_rl.envs.DifferentiableEnv, e.g. "
        f"env=point_mass); {type(env).__name__} is not one"
    )


@register_algo("apg")
class APG(BaseAlgorithm):
    """Analytic policy gradients on a :class:`DifferentiableEnv` (see ``APGConfig``).

    One iteration: ``collect_rollout`` runs ``num_steps`` differentiable env steps with
    reparameterised actions (``mean + std * eps``, so every action is a function of the
    policy's parameters), in segments of ``horizon`` steps. Per segment the loss is
    ``-(mean over envs of sum_t w_t r_t) - ent_coef * (mean of sum_t w_t H_t)`` with
    ``w_t = gamma^k``, ``k`` the steps since the iteration's start or the env's last episode
    end (no bootstrap); its gradient is accumulated at once, then ``detach_state`` cuts the
    graph, so memory holds one segment. ``update`` clips the summed gradient
    (``max_grad_norm``) and takes one step of the configured optimiser (``optimizer``, Adam
    by default) at the rate ``lr_schedule`` gives this update. Nothing reads a device value
    on the host.

    The policy must sample with gradients (``actor_only`` or ``actor_critic``; a critic is
    ignored). Its observation normaliser, if any, is frozen during the iteration and folds
    the iteration's observations in at the end of ``update``.
    """

    supported_policies: ClassVar[tuple[str, ...]] = ("actor_only", "actor_critic")
    """Policy options whose sampled actions carry gradients (checked before a run)."""
    requires_differentiable_env: ClassVar[bool] = True
    """Preflight refuses an env class that is not a ``DifferentiableEnv``."""

    def __init__(self, *, policy: Policy, device: torch.device | str, **hyperparameters: Any):
        """``hyperparameters`` are ``APGConfig`` fields (its defaults fill the rest); an
        unknown name raises ``TypeError`` listing the valid ones."""
        self.config = config_from_kwargs(APGConfig, "APG", hyperparameters)
        """Every hyperparameter of this learner."""
        if not policy.action_dtype.is_floating_point:
            raise ValueError(
                f"APG needs continuous actions; {type(policy).__name__} samples "
                f"{policy.action_dtype} actions (use policy=actor_only on a Box action space)"
            )
        self.device = torch.device(device)
        self.policy = policy.to(self.device)
        self.buffer = None
        self.optimizer, self.lr_schedule = optimizer_and_schedule(
            self.policy.parameters(), self.config, self.device
        )
        """The optimiser (``optimizer``) and the ``lr_schedule`` writing each update's rate."""
        self.num_steps: int | None = None
        """Env steps per iteration (``runtime.rollout_steps``), set by ``initialize_buffer``."""
        self.update_count = 0
        """Completed ``update`` calls (optimiser steps)."""
        self._observations: torch.Tensor | None = None
        self._sums: torch.Tensor | None = None

    @classmethod
    def from_config(cls, *, policy: Policy, device: torch.device | str, config: APGConfig) -> APG:
        """Build from an ``APGConfig`` instance."""
        return cls(policy=policy, device=device, **asdict(config))

    def initialize_buffer(
        self, num_steps: int, num_envs: int, obs_dim: int, action_dim: int
    ) -> None:
        """APG keeps no rollout; it records the iteration length and, when the policy
        normalises observations, preallocates ``[num_steps, num_envs, obs_dim]`` for them."""
        if num_steps < 1:
            raise ValueError(f"APG needs num_steps >= 1, got {num_steps}")
        self.num_steps = num_steps
        if self.policy.observation_normalizer() is not None:
            self._observations = torch.zeros(num_steps, num_envs, obs_dim, device=self.device)

    @torch.enable_grad()
    def collect_rollout(
        self, env: EmbodiedEnv, obs: torch.Tensor, on_step: StepCallback | None = None
    ) -> torch.Tensor:
        """Run the iteration's segments through ``env`` and accumulate their gradients
        (autograd on, whatever the caller's mode); returns the (detached) observation to
        continue from."""
        if self.num_steps is None:
            raise RuntimeError("APG: call initialize_buffer(num_steps, ...) before collecting")
        if not is_differentiable(env):
            raise TypeError(not_differentiable_message(env))
        assert isinstance(env, DifferentiableEnv)
        self.optimizer.zero_grad(set_to_none=True)
        self.policy.train()
        sums = torch.zeros(len(METRIC_NAMES), device=self.device)
        discount = torch.ones(env.num_envs, device=self.device)
        obs = env.detach_state()
        t = 0
        for length in segment_lengths(self.num_steps, self.config.horizon):
            ret, entropy, discount = self._segment(env, obs, discount, length, t, on_step)
            loss = -(ret.mean() + self.config.ent_coef * entropy.mean())
            loss.backward()
            sums += torch.stack((ret.mean(), entropy.mean(), loss)).detach()
            obs = env.detach_state()
            t += length
        self._sums = sums
        return obs

    def _segment(
        self,
        env: DifferentiableEnv,
        obs: torch.Tensor,
        discount: torch.Tensor,
        length: int,
        start: int,
        on_step: StepCallback | None,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``length`` differentiable steps from ``obs``: the segment's discounted return and
        entropy ``[N]`` (with their graphs) and the discount to continue with."""
        gamma = self.config.gamma
        ret = torch.zeros(env.num_envs, device=self.device)
        entropy = torch.zeros(env.num_envs, device=self.device)
        for t in range(start, start + length):
            if self._observations is not None:
                self._observations[t].copy_(obs.detach())
            action, _, _ = self.policy.get_action(obs)
            if not action.requires_grad:
                raise TypeError(
                    f"APG: {type(self.policy).__name__}.get_action returned an action without "
                    "gradient; APG needs reparameterised sampling (policy=actor_only)"
                )
            if self.config.ent_coef > 0:
                entropy = entropy + discount * self.policy.evaluate_actions(obs, action)[1]
            obs, reward, terminated, truncated, info = env.differentiable_step(action)
            if on_step is not None:
                on_step(reward.detach(), terminated, truncated, info)
            ret = ret + discount * reward
            discount = torch.where(terminated | truncated, 1.0, discount * gamma)
        return ret, entropy, discount

    def update(self) -> dict[str, torch.Tensor]:
        """Clip the accumulated gradient and take one optimiser step at the schedule's rate
        for this update; returns device scalars."""
        if self._sums is None:
            raise RuntimeError("APG.update() needs a collected iteration; call collect_rollout")
        self.lr_schedule.apply(self.update_count)
        params = [p for group in self.optimizer.param_groups for p in group["params"]]
        max_norm = self.config.max_grad_norm
        grad_norm = torch.nn.utils.clip_grad_norm_(
            params, max_norm if max_norm is not None else float("inf")
        )
        self.optimizer.step()
        self.update_count += 1
        normalizer = self.policy.observation_normalizer()
        if normalizer is not None and self._observations is not None:
            normalizer.merge(*batch_moments(self._observations))
        metrics = {name: self._sums[i] for i, name in enumerate(METRIC_NAMES)}
        self._sums = None
        metrics["grad_norm"] = grad_norm.detach()
        metrics["lr"] = self.lr_schedule.current_lr()
        action_std = self.policy.action_std()
        if action_std is not None:
            metrics["action_std"] = action_std
        return metrics

    def state_dict(self) -> dict[str, Any]:
        """Optimiser state and the update counter."""
        return optimizer_state(self.optimizer, self.update_count)

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what ``state_dict`` returned (the learning rate a device tensor again)."""
        self.update_count = load_optimizer_state(self.optimizer, state, self.device)
