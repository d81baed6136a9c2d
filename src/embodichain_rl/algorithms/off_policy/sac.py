"""Soft actor-critic (Haarnoja et al., 2018) with the FastSAC knobs for many parallel envs."""

from __future__ import annotations

import dataclasses
import math
from typing import Any, ClassVar

import torch

from embodichain_rl.algorithms.off_policy.base import OffPolicyAlgorithm, ReplayBatch
from embodichain_rl.algorithms.off_policy.sac_config import SACConfig
from embodichain_rl.algorithms.off_policy.targets import (
    actor_loss,
    alpha_loss,
    frozen_copy,
    polyak_update,
    soft_q_target,
)
from embodichain_rl.algorithms.optim import OptimizerConfig
from embodichain_rl.algorithms.registry import register_algo
from embodichain_rl.distributed.context import SINGLE_PROCESS, DistributedContext
from embodichain_rl.policies.augmentation import random_shift
from embodichain_rl.policies.base import Policy
from embodichain_rl.policies.kwargs import config_from_kwargs
from embodichain_rl.policies.squashed_gaussian import SquashedGaussianActorCritic
from embodichain_rl.utils.observations import (
    Observation,
    ObservationLayout,
    image_keys,
    observation_shapes,
)


@register_algo("sac")
class SAC(OffPolicyAlgorithm):
    """Twin critics regress on ``r + bootstrap * (min_i Q'_i(s', a') - α log π(a'|s'))``
    with ``a' ~ π(s')``; every ``policy_frequency``-th critic step the actor minimises
    ``α log π(a|s) - min_i Q_i(s, a)`` (reparameterised) and, with ``autotune_alpha``,
    ``log α`` follows ``-log α (log π + target_entropy)``. The target critics move ``τ``
    toward the online ones after every critic step. Log-probabilities are those of the
    action in ``[-1, 1]``, so ``target_entropy`` (default ``-action_dim``) does not depend
    on the env's action units. Exploration samples the policy. See ``SACConfig`` for every
    hyperparameter; the policy must be ``policy=sac_actor_critic``.

    Dict observations (camera images): the critic's encoder is trained by the critic loss
    alone, the actor reads its features detached, the target critics keep a Polyak-averaged
    copy of it (DrQ). With ``augmentation=random_shift`` each sampled batch's ``obs`` and
    ``next_obs`` images are shifted independently (per sample, up to ``shift_pad`` pixels)
    before the critic and the actor step see them.
    """

    accepts_dict_observations: ClassVar[bool] = True
    """Learns from dict observations (with ``policy=sac_actor_critic``'s encoders)."""

    required_policy = "sac_actor_critic"
    """The ``policy=`` option this learner needs (checked before a run starts)."""

    config: SACConfig
    policy: SquashedGaussianActorCritic

    def __init__(
        self,
        *,
        policy: Policy,
        device: torch.device | str,
        distributed: DistributedContext = SINGLE_PROCESS,
        **hyperparameters: Any,
    ) -> None:
        """``hyperparameters`` are ``SACConfig`` fields (its defaults fill the rest); an
        unknown name raises ``TypeError`` listing the valid ones."""
        if not isinstance(policy, SquashedGaussianActorCritic):
            raise ValueError(
                "algorithm=sac needs policy=sac_actor_critic (a tanh-squashed Gaussian actor "
                f"with twin Q critics), got {type(policy).__name__}"
            )
        config = config_from_kwargs(SACConfig, "SAC", hyperparameters)
        super().__init__(policy=policy, device=device, config=config, distributed=distributed)
        cfg = self.config
        self.target_critic = frozen_copy(self.policy.critic)
        """Polyak average of the twin critics: scores the next action of the target."""
        self.target_entropy = (
            -float(self.policy.action_dim) if cfg.target_entropy is None else cfg.target_entropy
        )
        """Entropy (nats, actions in [-1, 1]) that α steers the policy towards."""
        self.log_alpha = torch.full(
            (), math.log(cfg.init_alpha), device=self.device, requires_grad=cfg.autotune_alpha
        )
        """log of the entropy coefficient α (learned with ``autotune_alpha``)."""
        self.actor_optimizer = self._make_optimizer(
            self.policy.actor_parameters(), cfg.actor_learning_rate
        )
        self.critic_optimizer = self._make_optimizer(
            list(self.policy.critic.parameters()), cfg.critic_learning_rate
        )
        self.alpha_optimizer = self._make_optimizer(
            [self.log_alpha], cfg.alpha_learning_rate, OptimizerConfig(name="adam")
        )
        zero = torch.zeros((), device=self.device)
        self._last_actor = {"actor_loss": zero, "alpha_loss": zero, "entropy": zero}

    @property
    def alpha(self) -> torch.Tensor:
        """The entropy coefficient α as a device scalar (no gradient)."""
        return self.log_alpha.detach().exp()

    def initialize_buffer(
        self, num_steps: int, num_envs: int, obs_dim: ObservationLayout, action_dim: int
    ) -> None:
        """The replay ring; ``augmentation=random_shift`` needs an image key to shift."""
        shapes = None if isinstance(obs_dim, int) else observation_shapes(obs_dim)
        if self.config.augmentation != "none" and not (shapes and image_keys(shapes)):
            raise ValueError(
                f"algorithm.augmentation={self.config.augmentation} shifts camera images, but "
                "the env's observation has no image key: set algorithm.augmentation=none or "
                "env.obs_mode=rgb / rgb_state"
            )
        super().initialize_buffer(num_steps, num_envs, obs_dim, action_dim)

    def _exploration_action(self, obs: Observation) -> torch.Tensor:
        """An action sampled from the policy (with this learner's generator)."""
        policy = self.policy
        action, _ = policy.sample(policy.normalize(obs), generator=self.generator)
        return action

    def _bootstrapped_target(
        self,
        rewards: torch.Tensor,
        bootstrap: torch.Tensor,
        next_obs: Observation,
        noise: torch.Tensor,
    ) -> torch.Tensor:
        """``r + bootstrap * (min_i Q'_i(s', a') - α log π(a'|s'))``, ``a' ~ π(s')`` drawn
        with ``noise``, [B]."""
        policy = self.policy
        next_x = policy.normalize(next_obs)
        next_action, next_log_prob = policy.sample_from_noise(next_x, noise)
        next_q = policy.q_values(next_x, next_action, self.target_critic)
        return soft_q_target(rewards, bootstrap, next_q, next_log_prob, self.alpha)

    def _eager_actor_loss(self, obs: Observation, noise: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """``α log π(a|s) - min_i Q_i(s, a)`` for the reparameterised ``a`` of ``noise``,
        and the detached log-probabilities (the critic's encoder features detached)."""
        policy = self.policy
        actor_x, critic_x = policy.actor_loss_features(policy.normalize(obs))
        action, log_prob = policy.sample_from_features(actor_x, noise)
        loss = actor_loss(policy.q_from_features(critic_x, action), log_prob, self.alpha)
        return loss, log_prob.detach()

    def augment(self, batch: ReplayBatch) -> ReplayBatch:
        """``batch`` with its ``obs`` and ``next_obs`` images shifted independently
        (``augmentation=random_shift``; the learner's generator), else as it is."""
        if self.config.augmentation == "none":
            return batch
        pad = self.config.shift_pad
        return dataclasses.replace(
            batch,
            obs=random_shift(batch.obs, pad, self.generator),
            next_obs=random_shift(batch.next_obs, pad, self.generator),
        )

    def _train_step(self, batch: ReplayBatch, update_index: int) -> dict[str, torch.Tensor]:
        """One critic step and target move; every ``policy_frequency``-th also an actor
        step and (with ``autotune_alpha``) an α step."""
        cfg = self.config
        policy = self.policy
        batch = self.augment(batch)
        loss_q, q_mean, target_mean = self._critic_step(batch)
        if self.critic_updates % cfg.policy_frequency == 0:
            self._last_actor = self._actor_step(batch)
        polyak_update(self.target_critic, policy.critic, cfg.tau)
        return {
            "critic_loss": loss_q.detach(),
            "q_mean": q_mean,
            "target_q_mean": target_mean,
            "alpha": self.alpha,
            **self._last_actor,
        }

    def _actor_step(self, batch: ReplayBatch) -> dict[str, torch.Tensor]:
        loss_pi, log_prob = self._actor_loss(batch.obs, self._standard_normal(batch.actions))
        self._optimize(self.actor_optimizer, loss_pi, self.policy.actor_parameters())
        loss_alpha = alpha_loss(self.log_alpha, log_prob, self.target_entropy)
        if self.config.autotune_alpha:
            self._optimize(self.alpha_optimizer, loss_alpha, [self.log_alpha])
        return {
            "actor_loss": loss_pi.detach(),
            "alpha_loss": loss_alpha.detach(),
            "entropy": -log_prob.mean(),
        }

    def _extra_state(self) -> dict[str, Any]:
        return {
            "target_critic": self.target_critic.state_dict(),
            "log_alpha": self.log_alpha.detach().clone(),
            "actor_optimizer": self.actor_optimizer.state_dict(),
            "critic_optimizer": self.critic_optimizer.state_dict(),
            "alpha_optimizer": self.alpha_optimizer.state_dict(),
            "critic_updates": self.critic_updates,
            "last_actor": dict(self._last_actor),
        }

    def _load_extra_state(self, state: dict[str, Any]) -> None:
        self.target_critic.load_state_dict(state["target_critic"])
        with torch.no_grad():
            self.log_alpha.copy_(state["log_alpha"].to(self.device))
        self.actor_optimizer.load_state_dict(state["actor_optimizer"])
        self.critic_optimizer.load_state_dict(state["critic_optimizer"])
        self.alpha_optimizer.load_state_dict(state["alpha_optimizer"])
        self.critic_updates = int(state["critic_updates"])
        self._last_actor = {k: v.to(self.device) for k, v in state["last_actor"].items()}
