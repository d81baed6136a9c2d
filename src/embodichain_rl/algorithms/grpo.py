"""Group Relative Policy Optimisation: PPO's clipped surrogate with critic-free advantages
(returns standardised within groups of envs) and a KL anchor to the initial policy."""

from __future__ import annotations

import copy
import logging
from dataclasses import asdict
from typing import Any, ClassVar

import torch

from embodichain_rl.algorithms.base import DISCARDED_EPISODES_KEY, BaseAlgorithm, StepCallback
from embodichain_rl.algorithms.group_advantage import (
    alive_mask,
    discounted_returns,
    group_advantages,
)
from embodichain_rl.algorithms.grpo_config import GRPOConfig
from embodichain_rl.algorithms.grpo_loss import GRPOLoss, grpo_loss
from embodichain_rl.algorithms.grpo_preflight import (
    PER_TOKEN_POLICY_PROBLEM,
    grpo_config_problem,
)
from embodichain_rl.algorithms.normalization import fold_in_observations
from embodichain_rl.algorithms.optim.learner import (
    load_optimizer_state,
    optimizer_and_schedule,
    optimizer_state,
    seeded_generator,
)
from embodichain_rl.algorithms.registry import register_algo
from embodichain_rl.buffer.rollout_buffer import Batch
from embodichain_rl.distributed.context import SINGLE_PROCESS, DistributedContext
from embodichain_rl.envs.base import START_GROUP_OPTION, EmbodiedEnv
from embodichain_rl.policies.base import Policy
from embodichain_rl.policies.kwargs import config_from_kwargs
from embodichain_rl.utils.observations import Observation, ObservationLayout, map_observation

log = logging.getLogger(__name__)

METRIC_NAMES = ("policy_loss", "entropy", "ref_kl", "approx_kl", "clipfrac", "loss")
"""Per-minibatch terms ``update`` averages over the minibatches it ran."""
APPROX_KL = METRIC_NAMES.index("approx_kl")
"""Where the update's mean approx-KL (the adaptive schedule's input) sits in the sums."""


@register_algo("grpo")
class GRPO(BaseAlgorithm):
    """GRPO on a batched env (see ``GRPOConfig`` for every hyperparameter).

    Rollout: with ``reset_every_rollout`` every env is reset first (with ``shared_starts``,
    into start groups of ``group_size``, so a group's envs begin from one initial state);
    then ``num_steps`` steps of the stochastic policy. Advantages: the per-step discounted
    return-to-go (no bootstrap), standardised at each step over the alive envs of its group
    (:mod:`~embodichain_rl.algorithms.group_advantage`); with ``truncate_at_first_done`` the
    steps after an env's first episode end weigh nothing. Update: ``n_epochs`` passes of
    minibatches of ``batch_size`` through the masked clipped surrogate (one ratio per
    decision, or with ``ratio=per_token`` one per action token), minus ``ent_coef``
    × entropy, plus ``kl_coef`` × the k3 KL to a frozen copy of the initial policy (kept only
    when ``kl_coef > 0``, and checkpointed), stepped by the configured optimiser
    (``optimizer``, Adam by default) at the rate of ``lr_schedule`` (``adaptive`` follows
    the update's mean approx-KL). The observation normaliser, if any, folds the
    rollout in after the epochs (the first minibatch's ratio is 1); the reference copy keeps
    the initial normaliser, so it is the initial policy exactly. Nothing in either loop
    reads a device value on the host; the learning rate is a device tensor.
    """

    required_policy: ClassVar[tuple[str, ...]] = ("actor_only", "vla")
    """The policy options preflight accepts: the critic-free Gaussian actor, or the
    vision-language-action model (with ``critic=none``)."""
    accepts_dict_observations: ClassVar[bool] = True
    """Dict observations reach the policy as they are (the VLA reads images and language)."""

    def __init__(
        self,
        *,
        policy: Policy,
        device: torch.device | str,
        distributed: DistributedContext = SINGLE_PROCESS,
        **hyperparameters: Any,
    ) -> None:
        """``hyperparameters`` are ``GRPOConfig`` fields (its defaults fill the rest); an
        unknown name raises ``TypeError`` listing the valid ones."""
        self.config = config_from_kwargs(GRPOConfig, "GRPO", hyperparameters)
        """Every hyperparameter of this learner."""
        if distributed.enabled:
            raise ValueError("GRPO runs in a single process: launch it without torchrun")
        if self.config.ratio == "per_token" and not policy.factorised_actions:
            raise ValueError(PER_TOKEN_POLICY_PROBLEM.format(type(policy).__name__))
        self.device = torch.device(device)
        self.policy = policy.to(self.device)
        self.buffer = None
        self.optimizer, self.lr_schedule = optimizer_and_schedule(
            self.policy.parameters(), self.config, self.device
        )
        """The optimiser (``optimizer``) and the ``lr_schedule`` writing each update's rate."""
        self.generator = seeded_generator(self.config.seed, self.device)
        self.reference: Policy | None = None
        """Frozen copy of the initial policy (only when ``kl_coef > 0``)."""
        if self.config.kl_coef > 0:
            self.reference = copy.deepcopy(self.policy).eval()
            self.reference.requires_grad_(False)
        self.minibatch_size: int | None = None
        """Samples per minibatch, fixed by ``initialize_buffer``."""
        self.update_count = 0
        """Number of completed ``update`` calls."""

    @classmethod
    def from_config(cls, *, policy: Policy, device: torch.device | str, config: GRPOConfig) -> GRPO:
        """Build from a ``GRPOConfig`` instance."""
        return cls(policy=policy, device=device, **asdict(config))

    config_problem = staticmethod(grpo_config_problem)
    """Preflight: one line when the composed run cannot work with GRPO, else ``None``."""

    def initialize_buffer(
        self, num_steps: int, num_envs: int, obs_dim: ObservationLayout, action_dim: int
    ) -> None:
        cfg = self.config
        if num_envs % cfg.group_size:
            raise ValueError(
                f"GRPO: num_envs={num_envs} is not a multiple of group_size={cfg.group_size}"
            )
        super().initialize_buffer(num_steps, num_envs, obs_dim, action_dim)
        samples = num_steps * num_envs
        self.minibatch_size = min(cfg.batch_size, samples)
        if samples % self.minibatch_size:
            log.warning(
                "GRPO: rollout of %d samples is not a multiple of batch_size %d: %d random "
                "samples per epoch are left out",
                samples,
                self.minibatch_size,
                samples % self.minibatch_size,
            )
        self._zero_values = torch.zeros(num_envs, device=self.device)
        self._every_env = torch.ones(num_envs, dtype=torch.bool, device=self.device)

    @torch.no_grad()
    def collect_rollout(
        self, env: EmbodiedEnv, obs: Observation, on_step: StepCallback | None = None
    ) -> Observation:
        buffer = self._require_buffer()
        if env.num_envs != buffer.num_envs:
            raise ValueError(f"env has {env.num_envs} envs, buffer expects {buffer.num_envs}")
        cfg = self.config
        buffer.reset()
        discarded: torch.Tensor | None = None
        if cfg.reset_every_rollout:
            options = {START_GROUP_OPTION: cfg.group_size} if cfg.shared_starts else None
            obs, _ = env.reset(options=options)
            discarded = self._every_env  # the unfinished episodes the reset cut off
        for _ in range(buffer.num_steps):
            action, log_prob, _ = self.policy.get_action(obs)
            next_obs, reward, terminated, truncated, info = env.step(action)
            if on_step is not None:
                if discarded is not None:
                    info, discarded = {**info, DISCARDED_EPISODES_KEY: discarded}, None
                on_step(reward, terminated, truncated, info)
            buffer.add(
                obs=obs,
                actions=action,
                log_probs=log_prob,
                rewards=reward,
                dones=terminated | truncated,
                values=self._zero_values,
            )
            obs = next_obs
        mask = alive_mask(buffer.dones, cfg.truncate_at_first_done)
        returns = discounted_returns(buffer.rewards, buffer.dones, cfg.gamma)
        advantages = group_advantages(returns, mask, cfg.group_size, cfg.eps)
        buffer.set_extras(advantages=advantages, returns=returns, mask=mask)
        return obs

    def update(self) -> dict[str, torch.Tensor]:
        buffer = self._require_buffer()
        if not buffer.full:
            raise RuntimeError("update() needs a full rollout; call collect_rollout first")
        assert self.minibatch_size is not None
        self.lr_schedule.apply(self.update_count)
        lr = self.lr_schedule.current_lr()
        self.policy.train()
        if self.config.ratio == "per_token":
            buffer.set_extras(part_log_probs=self._rollout_part_log_probs())
        params = [p for group in self.optimizer.param_groups for p in group["params"]]
        sums = torch.zeros(len(METRIC_NAMES), device=self.device)
        minibatches = 0
        for _ in range(self.config.n_epochs):
            for batch in buffer.minibatches(self.minibatch_size, generator=self.generator):
                terms = self._minibatch_loss(batch)
                self.optimizer.zero_grad(set_to_none=True)
                terms.loss.backward()
                if self.config.max_grad_norm is not None:
                    torch.nn.utils.clip_grad_norm_(params, self.config.max_grad_norm)
                self.optimizer.step()
                sums += torch.stack([getattr(terms, name).detach() for name in METRIC_NAMES])
                minibatches += 1
        self.update_count += 1
        fold_in_observations(self.policy.observation_normalizer(), buffer.obs, SINGLE_PROCESS)
        means = sums / max(minibatches, 1)
        self.lr_schedule.adapt(means[APPROX_KL])  # adaptive: next update's rate, on device
        metrics = {name: means[i] for i, name in enumerate(METRIC_NAMES)}
        mask = buffer.data["mask"]
        metrics["alive_fraction"] = mask.mean()
        metrics["lr"] = lr
        action_std = self.policy.action_std()
        if action_std is not None:
            metrics["action_std"] = action_std
        return metrics

    @torch.no_grad()
    def _rollout_part_log_probs(self) -> torch.Tensor:
        """The rollout's per-part log-probs ``[T, N, K]`` under the policy that collected it
        (nothing has stepped since), for ``ratio=per_token``: the buffer keeps only their
        sum, which they reproduce."""
        buffer = self._require_buffer()
        obs, actions = buffer.data["obs"], buffer.data["actions"]
        parts = []
        for t in range(buffer.num_steps):
            step_obs = map_observation(lambda x, t=t: x[t], obs)
            parts.append(self.policy.evaluate_action_parts(step_obs, actions[t])[0])
        return torch.stack(parts)

    def _log_probs(self, policy: Policy, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        """``(log-probs, entropy)`` of the minibatch's actions: ``[B]``, or ``[B, K]`` parts
        with ``ratio=per_token``."""
        if self.config.ratio == "per_token":
            return policy.evaluate_action_parts(batch["obs"], batch["actions"])
        log_probs, entropy, _ = policy.evaluate_actions(batch["obs"], batch["actions"])
        return log_probs, entropy

    def _minibatch_loss(self, batch: Batch) -> GRPOLoss:
        """The GRPO loss of one minibatch (reference log-probs without gradients)."""
        cfg = self.config
        log_probs, entropy = self._log_probs(self.policy, batch)
        ref_log_probs = None
        if self.reference is not None:
            with torch.no_grad():
                ref_log_probs = self._log_probs(self.reference, batch)[0]
        per_token = cfg.ratio == "per_token"
        return grpo_loss(
            log_probs=log_probs,
            old_log_probs=batch["part_log_probs" if per_token else "log_probs"],
            advantages=batch["advantages"],
            mask=batch["mask"],
            entropy=entropy,
            ref_log_probs=ref_log_probs,
            clip_coef=cfg.clip_coef,
            ent_coef=cfg.ent_coef,
            kl_coef=cfg.kl_coef,
        )

    def state_dict(self) -> dict[str, Any]:
        state: dict[str, Any] = {
            **optimizer_state(self.optimizer, self.update_count),
            "generator": self.generator.get_state(),
        }
        if self.reference is not None:
            state["reference"] = self.reference.state_dict()
        return state

    def rank_local_state(self) -> dict[str, Any]:
        return {"generator": self.generator.get_state()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if (self.reference is None) != ("reference" not in state):
            saved = "with" if "reference" in state else "without"
            raise ValueError(
                f"checkpoint was written {saved} a GRPO reference policy (kl_coef > 0) but "
                f"this run has kl_coef={self.config.kl_coef}: match algorithm.kl_coef"
            )
        self.update_count = load_optimizer_state(self.optimizer, state, self.device)
        self.generator.set_state(state["generator"].cpu())
        if self.reference is not None:
            self.reference.load_state_dict(state["reference"])
