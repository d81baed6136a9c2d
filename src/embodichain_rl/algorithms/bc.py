"""Behaviour cloning: supervised learning of the env's scripted expert, the warm start
before reinforcement-learning fine-tuning."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, ClassVar

import torch

from embodichain_rl.algorithms.base import BaseAlgorithm, StepCallback
from embodichain_rl.algorithms.bc_config import BCConfig
from embodichain_rl.algorithms.bc_dataset import DemonstrationDataset
from embodichain_rl.algorithms.bc_preflight import (
    EXPERT_METHOD,
    bc_config_problem,
    no_expert_message,
)
from embodichain_rl.algorithms.optim.learner import (
    load_optimizer_state,
    optimizer_and_schedule,
    optimizer_state,
    seeded_generator,
)
from embodichain_rl.algorithms.registry import register_algo
from embodichain_rl.distributed.context import SINGLE_PROCESS, DistributedContext
from embodichain_rl.envs.base import EmbodiedEnv
from embodichain_rl.policies.base import Policy
from embodichain_rl.policies.kwargs import config_from_kwargs
from embodichain_rl.utils.observations import Observation, ObservationLayout


def bc_loss(
    policy: Policy, obs: Observation, actions: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(mean negative log-likelihood of actions under policy, mean entropy)`` of a batch."""
    log_prob, entropy, _ = policy.evaluate_actions(obs, actions)
    return -log_prob.mean(), entropy.mean()


@register_algo("bc")
class BC(BaseAlgorithm):
    """Behaviour cloning from an env's scripted expert (see ``BCConfig``).

    Rollout: ``num_steps`` calls of ``env.demonstration_step()`` (every env steps once,
    driven by its expert); each stores (the observation the decision was taken from, the
    expert's action) into an on-device dataset that grows every iteration (FIFO beyond
    ``dataset_size``), observations in the env's own dtypes (uint8 images, int64 tokens).
    The observation normaliser, if any, folds in each new rollout before the update.
    Update: ``n_epochs`` shuffled passes over the whole dataset in minibatches of
    ``batch_size``, minimising the mean negative log-likelihood of the expert's actions
    (``-policy.evaluate_actions(obs, actions)[0]``: exact for a Gaussian, a categorical or
    a token policy), with gradient clipping and the configured optimiser and schedule.
    Nothing in either loop reads a device value on the host.
    """

    accepts_dict_observations: ClassVar[bool] = True
    """BC stores and replays dict observations (camera images, instruction tokens)."""

    def __init__(
        self,
        *,
        policy: Policy,
        device: torch.device | str,
        distributed: DistributedContext = SINGLE_PROCESS,
        **hyperparameters: Any,
    ) -> None:
        """``hyperparameters`` are ``BCConfig`` fields (its defaults fill the rest); an
        unknown name raises ``TypeError`` listing the valid ones."""
        self.config = config_from_kwargs(BCConfig, "BC", hyperparameters)
        """Every hyperparameter of this learner."""
        if distributed.enabled:
            raise ValueError("BC runs in a single process: launch it without torchrun")
        self.device = torch.device(device)
        self.policy = policy.to(self.device)
        self.buffer = None
        self.optimizer, self.lr_schedule = optimizer_and_schedule(
            self.policy.parameters(), self.config, self.device
        )
        """The optimiser (``optimizer``) and the ``lr_schedule`` writing each update's rate."""
        self.generator = seeded_generator(self.config.seed, self.device)
        """Device generator of the minibatch shuffles."""
        self.dataset: DemonstrationDataset | None = None
        """The labelled decisions so far (built by ``initialize_buffer``)."""
        self.num_steps = 0
        """Expert steps per env per rollout, fixed by ``initialize_buffer``."""
        self.update_count = 0
        """Number of completed ``update`` calls."""

    @classmethod
    def from_config(cls, *, policy: Policy, device: torch.device | str, config: BCConfig) -> BC:
        """Build from a ``BCConfig`` instance."""
        return cls(policy=policy, device=device, **asdict(config))

    config_problem = staticmethod(bc_config_problem)
    """Preflight: one line when the composed run cannot work with BC, else ``None``."""

    def initialize_buffer(
        self, num_steps: int, num_envs: int, obs_dim: ObservationLayout, action_dim: int
    ) -> None:
        """Fix the rollout length and create the (empty) demonstration dataset."""
        capacity = self.config.dataset_size
        if num_steps < 1 or num_envs < 1 or action_dim < 1:
            raise ValueError(
                f"BC needs positive sizes, got num_steps={num_steps}, num_envs={num_envs}, "
                f"action_dim={action_dim}"
            )
        if capacity is not None and capacity < num_steps * num_envs:
            raise ValueError(
                f"BC: dataset_size={capacity} holds less than one rollout of "
                f"{num_steps * num_envs} decisions"
            )
        self.num_steps = num_steps
        self.dataset = DemonstrationDataset(
            action_dim=action_dim,
            action_dtype=self.policy.action_dtype,
            capacity=capacity,
            device=self.device,
        )

    def _require_dataset(self) -> DemonstrationDataset:
        if self.dataset is None:
            raise RuntimeError(
                "BC: call initialize_buffer(num_steps, num_envs, obs_dim, action_dim) before "
                "collecting or updating"
            )
        return self.dataset

    @torch.no_grad()
    def collect_rollout(
        self, env: EmbodiedEnv, obs: Observation, on_step: StepCallback | None = None
    ) -> Observation:
        dataset = self._require_dataset()
        demonstrate = getattr(env, EXPERT_METHOD, None)
        if demonstrate is None:
            raise ValueError(no_expert_message(type(env).__name__))
        dataset.reserve(obs, self.num_steps * env.num_envs)
        for _ in range(self.num_steps):
            action, (next_obs, reward, terminated, truncated, info) = demonstrate()
            if on_step is not None:
                on_step(reward, terminated, truncated, info)
            dataset.add(obs, action.reshape(env.num_envs, -1))
            self.policy.update_normalization(obs)
            obs = next_obs
        return obs

    def update(self) -> dict[str, torch.Tensor]:
        dataset = self._require_dataset()
        if dataset.size == 0:
            raise RuntimeError("update() needs demonstrations; call collect_rollout first")
        self.lr_schedule.apply(self.update_count)
        lr = self.lr_schedule.current_lr()
        self.policy.train()
        params = [p for group in self.optimizer.param_groups for p in group["params"]]
        sums = torch.zeros(2, device=self.device)
        minibatches = 0
        for _ in range(self.config.n_epochs):
            for obs, actions in dataset.minibatches(self.config.batch_size, self.generator):
                nll, entropy = bc_loss(self.policy, obs, actions)
                self.optimizer.zero_grad(set_to_none=True)
                nll.backward()
                if self.config.max_grad_norm is not None:
                    torch.nn.utils.clip_grad_norm_(params, self.config.max_grad_norm)
                self.optimizer.step()
                sums += torch.stack((nll.detach(), entropy.detach()))
                minibatches += 1
        self.update_count += 1
        means = sums / max(minibatches, 1)
        metrics = {
            "bc_nll": means[0],
            "entropy": means[1],
            "dataset_size": torch.full((), float(dataset.size), device=self.device),
            "lr": lr,
        }
        action_std = self.policy.action_std()
        if action_std is not None:
            metrics["action_std"] = action_std
        return metrics

    def state_dict(self) -> dict[str, Any]:
        return {
            **optimizer_state(self.optimizer, self.update_count),
            "generator": self.generator.get_state(),
            "dataset": self._require_dataset().state_dict(),
        }

    def rank_local_state(self) -> dict[str, Any]:
        return {"generator": self.generator.get_state()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.update_count = load_optimizer_state(self.optimizer, state, self.device)
        self.generator.set_state(state["generator"].cpu())
        self._require_dataset().load_state_dict(state["dataset"])
