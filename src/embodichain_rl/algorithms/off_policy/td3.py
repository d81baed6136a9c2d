"""TD3 (Fujimoto et al., 2018) with the FastTD3 recipe for many parallel envs."""

from __future__ import annotations

from typing import Any, ClassVar

import torch

from embodichain_rl.algorithms.off_policy.base import OffPolicyAlgorithm, ReplayBatch
from embodichain_rl.algorithms.off_policy.targets import (
    frozen_copy,
    polyak_update,
)
from embodichain_rl.algorithms.off_policy.td3_config import TD3Config
from embodichain_rl.algorithms.off_policy.td3_math import (
    clipped_double_q_target,
    draw_noise_scales,
    explore,
    redraw_finished_scales,
    smoothed_target_action,
)
from embodichain_rl.algorithms.registry import register_algo
from embodichain_rl.distributed.context import SINGLE_PROCESS, DistributedContext
from embodichain_rl.policies.base import Policy
from embodichain_rl.policies.deterministic_actor_critic import DeterministicActorCritic
from embodichain_rl.policies.kwargs import config_from_kwargs


@register_algo("td3")
class TD3(OffPolicyAlgorithm):
    """Twin critics regress on ``r + bootstrap * min_i Q'_i(s', clip(π'(s') + ε))`` with
    ``ε`` the clipped smoothing noise; every ``policy_delay``-th critic step the actor
    ascends ``min_i Q_i(s, π(s))`` and the target actor and critics move ``τ`` toward the
    online ones. Exploration adds Gaussian noise whose std is drawn per env from
    ``[exploration_noise_min, exploration_noise_max]`` (FastTD3) and redrawn when that env's
    episode ends. See ``TD3Config`` for every hyperparameter; the policy must be
    ``policy=td3_actor_critic``.
    """

    config: TD3Config
    policy: DeterministicActorCritic
    required_policy: ClassVar[str] = "td3_actor_critic"
    """The ``policy=`` option this learner needs (preflight refuses any other)."""

    def __init__(
        self,
        *,
        policy: Policy,
        device: torch.device | str,
        distributed: DistributedContext = SINGLE_PROCESS,
        **hyperparameters: Any,
    ) -> None:
        """``hyperparameters`` are ``TD3Config`` fields (its defaults fill the rest); an
        unknown name raises ``TypeError`` listing the valid ones."""
        if not isinstance(policy, DeterministicActorCritic):
            raise ValueError(
                "algorithm=td3 needs policy=td3_actor_critic (a deterministic actor with "
                f"twin Q critics), got {type(policy).__name__}"
            )
        config = config_from_kwargs(TD3Config, "TD3", hyperparameters)
        super().__init__(policy=policy, device=device, config=config, distributed=distributed)
        cfg = self.config
        self.target_actor = frozen_copy(self.policy.actor)
        """Polyak average of the actor: picks the next action of the critic target."""
        self.target_critic = frozen_copy(self.policy.critic)
        """Polyak average of the twin critics: scores the next action of the target."""
        self.actor_optimizer = self._make_optimizer(
            list(self.policy.actor.parameters()), cfg.actor_learning_rate
        )
        self.critic_optimizer = self._make_optimizer(
            list(self.policy.critic.parameters()), cfg.critic_learning_rate
        )
        self.noise_scales: torch.Tensor | None = None
        """Exploration-noise std of each env ``[num_envs, 1]``, in action half-ranges."""
        self._actor_loss_value = torch.zeros((), device=self.device)

    def initialize_buffer(
        self, num_steps: int, num_envs: int, obs_dim: int, action_dim: int
    ) -> None:
        super().initialize_buffer(num_steps, num_envs, obs_dim, action_dim)
        self.noise_scales = self._draw_scales(num_envs)

    def _draw_scales(self, num_envs: int) -> torch.Tensor:
        cfg = self.config
        return draw_noise_scales(
            num_envs,
            cfg.exploration_noise_min,
            cfg.exploration_noise_max,
            generator=self.generator,
            device=self.device,
        )

    def _exploration_action(self, obs: torch.Tensor) -> torch.Tensor:
        """The actor's action plus per-env Gaussian noise, clipped to the bounds."""
        policy = self.policy
        assert self.noise_scales is not None, "initialize_buffer draws the noise scales"
        action = policy.act_deterministic(obs)
        noise = torch.randn(action.shape, generator=self.generator, device=self.device)
        return explore(
            action,
            noise,
            self.noise_scales,
            scale=policy.action_scale,
            low=policy.action_low,
            high=policy.action_high,
        )

    def _after_env_step(self, terminated: torch.Tensor, truncated: torch.Tensor) -> None:
        """Give every env whose episode just ended a fresh exploration-noise std."""
        assert self.noise_scales is not None
        cfg = self.config
        self.noise_scales = redraw_finished_scales(
            self.noise_scales,
            terminated | truncated,
            cfg.exploration_noise_min,
            cfg.exploration_noise_max,
            generator=self.generator,
        )

    def _bootstrapped_target(
        self,
        rewards: torch.Tensor,
        bootstrap: torch.Tensor,
        next_obs: torch.Tensor,
        noise: torch.Tensor,
    ) -> torch.Tensor:
        """``r + bootstrap * min_i Q'_i(s', clip(π'(s') + clip(σ ε, ±c) * scale))`` with
        ``ε`` = ``noise``, [B]."""
        cfg = self.config
        policy = self.policy
        next_x = policy.normalize(next_obs)
        next_action = smoothed_target_action(
            policy.actor_action(next_x, self.target_actor),
            noise,
            policy_noise=cfg.policy_noise,
            noise_clip=cfg.noise_clip,
            scale=policy.action_scale,
            low=policy.action_low,
            high=policy.action_high,
        )
        target_q = policy.q_values(next_x, next_action, self.target_critic)
        return clipped_double_q_target(rewards, bootstrap, target_q)

    def _eager_actor_loss(self, obs: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """``-mean(min_i Q_i(s, π(s)))``."""
        policy = self.policy
        x = policy.normalize(obs)
        return (-policy.q_values(x, policy.actor_action(x)).min(dim=0).values.mean(),)

    def _train_step(self, batch: ReplayBatch, update_index: int) -> dict[str, torch.Tensor]:
        """One critic step; every ``policy_delay``-th also an actor step and target move."""
        cfg = self.config
        policy = self.policy
        loss, q_mean, target_mean = self._critic_step(batch)
        if self.critic_updates % cfg.policy_delay == 0:
            (actor_loss,) = self._actor_loss(batch.obs)
            self._optimize(self.actor_optimizer, actor_loss, list(policy.actor.parameters()))
            self._actor_loss_value = actor_loss.detach()
            polyak_update(self.target_actor, policy.actor, cfg.tau)
            polyak_update(self.target_critic, policy.critic, cfg.tau)
        return {
            "critic_loss": loss.detach(),
            "actor_loss": self._actor_loss_value,
            "q_mean": q_mean,
            "target_q_mean": target_mean,
            "exploration_noise": self._noise_mean(),
        }

    def _noise_mean(self) -> torch.Tensor:
        if self.noise_scales is None:
            return torch.zeros((), device=self.device)
        return self.noise_scales.mean()

    def _extra_state(self) -> dict[str, Any]:
        return {
            "target_actor": self.target_actor.state_dict(),
            "target_critic": self.target_critic.state_dict(),
            "actor_optimizer": self.actor_optimizer.state_dict(),
            "critic_optimizer": self.critic_optimizer.state_dict(),
            "critic_updates": self.critic_updates,
            "noise_scales": self.noise_scales,
            "actor_loss": self._actor_loss_value,
        }

    def _load_extra_state(self, state: dict[str, Any]) -> None:
        self.target_actor.load_state_dict(state["target_actor"])
        self.target_critic.load_state_dict(state["target_critic"])
        self.actor_optimizer.load_state_dict(state["actor_optimizer"])
        self.critic_optimizer.load_state_dict(state["critic_optimizer"])
        self.critic_updates = int(state["critic_updates"])
        scales = state["noise_scales"]
        self.noise_scales = None if scales is None else scales.to(self.device)
        self._actor_loss_value = state["actor_loss"].to(self.device)
