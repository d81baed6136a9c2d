"""``OffPolicyAlgorithm``: replay-buffer collection and the update schedule SAC and TD3 share."""

from __future__ import annotations

import logging
from abc import abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar

import torch
from torch import nn

from embodichain_rl.algorithms.base import BaseAlgorithm, StepCallback, unsupported_compile_mode
from embodichain_rl.algorithms.normalization import fold_in_observations
from embodichain_rl.algorithms.off_policy.config import OffPolicyConfig
from embodichain_rl.algorithms.off_policy.targets import critic_loss
from embodichain_rl.algorithms.optim import (
    LRSchedule,
    OptimizerConfig,
    build_optimizer,
    restore_device_learning_rates,
)
from embodichain_rl.buffer.replay_buffer import ReplayBatch, ReplayBuffer
from embodichain_rl.distributed.context import SINGLE_PROCESS, DistributedContext
from embodichain_rl.distributed.ops import average_gradients_
from embodichain_rl.distributed.policy_sync import share_policy
from embodichain_rl.envs.base import EmbodiedEnv
from embodichain_rl.policies.base import Policy
from embodichain_rl.utils.compile import check_compile_mode, compile_for
from embodichain_rl.utils.observations import Observation, ObservationLayout, observation_rows

__all__ = ["OffPolicyAlgorithm", "ReplayBatch", "ReplayBuffer"]

log = logging.getLogger(__name__)


class OffPolicyAlgorithm(BaseAlgorithm):
    """Collect into a replay ring, then take ``updates_per_step`` gradient steps per
    vectorised env step (``updates_per_step * num_steps`` per ``update``).

    Collection: until ``learning_starts`` transitions have been collected (on this rank)
    actions are uniform in ``[policy.action_low, policy.action_high]``; afterwards they
    come from ``_exploration_action``. Every transition is stored with the true next
    observation (``info["final_obs"]``) and ``terminated``/``truncated`` apart; after every
    env step ``_after_env_step`` runs. At the end of a rollout the policy's observation
    normaliser (if any) folds in the rollout's observations (every rank's).

    Update: nothing but ``buffer_fill`` until the buffer holds ``learning_starts``
    transitions; then ``_train_step(batch, i)`` per gradient step, its scalar device
    metrics averaged. Subclasses implement ``_exploration_action``, ``_train_step`` and
    ``_extra_state``/``_load_extra_state`` (targets, optimisers); ``_optimize`` takes one
    optimiser step with the gradient averaged over data-parallel ranks and clipped.
    Nothing here reads a device value on the host.

    Fast path (``use_compile("compile")``): the critic and actor losses (forward and
    backward) and every clipped optimiser step run through ``torch.compile``. Random draws
    (replay indices, policy and smoothing noise) stay eager on the learner's generator and
    enter the compiled losses as tensors, so both paths consume the same random stream.
    """

    config: OffPolicyConfig
    buffer: ReplayBuffer | None  # type: ignore[assignment]
    critic_optimizer: torch.optim.Optimizer
    """The twin critics' optimiser (made by the subclass)."""
    compile_modes: ClassVar[tuple[str, ...]] = ("none", "compile")
    """CUDA-graph replay (``cudagraphs``) is PPO's alone for now."""

    def __init__(
        self,
        *,
        policy: Policy,
        device: torch.device | str,
        config: OffPolicyConfig,
        distributed: DistributedContext = SINGLE_PROCESS,
    ) -> None:
        self.config = config
        """Every hyperparameter of this learner."""
        self.device = torch.device(device)
        self.distributed = distributed
        """The data-parallel job this learner belongs to (no-op in a single process)."""
        self.policy = policy.to(self.device)
        share_policy(self.policy, distributed)
        self.buffer = None
        self.generator = torch.Generator(device=self.device)
        """Device RNG of warm-up actions, exploration noise and replay sampling."""
        self.generator.manual_seed(0 if config.seed is None else config.seed)
        self.num_steps = 0
        """Env steps per ``collect_rollout`` (set by ``initialize_buffer``)."""
        self.env_steps = 0
        """Transitions collected on this rank so far (host counter)."""
        self.gradient_steps = 0
        """Gradient steps taken so far (host counter)."""
        self.critic_updates = 0
        """Critic gradient steps taken so far (the actor moves every few of them)."""
        self.update_count = 0
        """``update`` calls so far (drives the learning-rate schedule)."""
        self.lr_schedule = LRSchedule(
            config.lr_schedule, config.lr_scheduler, [], config.total_updates
        )
        """Writes each update's learning rates into the optimisers ``_make_optimizer``
        made."""
        self.compile_mode = "none"
        """How the losses and optimiser steps run (``runtime.compile``; see ``use_compile``)."""
        self._critic_loss: Callable[..., tuple[torch.Tensor, ...]] = self._eager_critic_loss
        self._actor_loss: Callable[..., tuple[torch.Tensor, ...]] = self._eager_actor_loss
        self._clip_and_step = self._eager_clip_and_step

    def use_compile(self, mode: str) -> None:
        """Run the losses and optimiser steps eagerly (``"none"``) or through
        ``torch.compile`` (``"compile"``, compiled on the first gradient step)."""
        if mode not in self.compile_modes:
            raise ValueError(
                unsupported_compile_mode(type(self).__name__, mode, self.compile_modes)
            )
        check_compile_mode(mode, self.device)
        self.compile_mode = mode
        self._critic_loss = compile_for(self._eager_critic_loss, mode)
        self._actor_loss = compile_for(self._eager_actor_loss, mode)
        self._clip_and_step = compile_for(self._eager_clip_and_step, mode)

    def _make_optimizer(
        self,
        params: list[nn.Parameter] | list[torch.Tensor],
        learning_rate: float,
        config: OptimizerConfig | None = None,
    ) -> torch.optim.Optimizer:
        """The configured optimiser (``config``, else the ``optimizer`` block with the older
        keys filled in) over ``params`` at ``learning_rate``, its rate a device tensor the
        schedule moves."""
        block = config if config is not None else self.config.optimizer_config(learning_rate)
        optimizer = build_optimizer(params, block, self.device, learning_rate=learning_rate)
        self.lr_schedule.track(optimizer)
        return optimizer

    @abstractmethod
    def _bootstrapped_target(
        self,
        rewards: torch.Tensor,
        bootstrap: torch.Tensor,
        next_obs: Observation,
        noise: torch.Tensor,
    ) -> torch.Tensor:
        """The critic's regression target ``[B]`` (no gradient needed); ``noise`` is a
        standard-normal ``[B, A]`` draw for the next action."""

    def critic_target(self, batch: ReplayBatch) -> torch.Tensor:
        """The critic's regression target ``[B]`` for ``batch``, its next-action noise drawn
        from the learner's generator."""
        noise = self._standard_normal(batch.actions)
        with torch.no_grad():
            return self._bootstrapped_target(batch.rewards, batch.bootstrap, batch.next_obs, noise)

    def _eager_critic_loss(
        self,
        obs: Observation,
        actions: torch.Tensor,
        rewards: torch.Tensor,
        bootstrap: torch.Tensor,
        next_obs: Observation,
        noise: torch.Tensor,
    ) -> tuple[torch.Tensor, ...]:
        """The twin-critic loss against the target, the mean Q and the mean target."""
        with torch.no_grad():
            target = self._bootstrapped_target(rewards, bootstrap, next_obs, noise)
        policy: Any = self.policy
        q = policy.q_values(policy.normalize(obs), actions)
        return critic_loss(q, target), q.detach().mean(), target.mean()

    def _critic_step(self, batch: ReplayBatch) -> tuple[torch.Tensor, ...]:
        """One critic gradient step on ``batch``: its loss, mean Q and mean target."""
        loss, q_mean, target_mean = self._critic_loss(
            batch.obs,
            batch.actions,
            batch.rewards,
            batch.bootstrap,
            batch.next_obs,
            self._standard_normal(batch.actions),
        )
        policy: Any = self.policy
        self._optimize(self.critic_optimizer, loss, list(policy.critic.parameters()))
        self.critic_updates += 1
        return loss, q_mean, target_mean

    @abstractmethod
    def _eager_actor_loss(self, *tensors: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """The actor loss of a batch and its by-products (tensor inputs only)."""

    # ------------------------------------------------------------------ buffer

    def initialize_buffer(
        self, num_steps: int, num_envs: int, obs_dim: ObservationLayout, action_dim: int
    ) -> None:
        """Allocate the replay ring (``buffer_size`` transitions over ``num_envs`` envs;
        ``obs_dim`` a flat length or a single-env ``Dict`` space); ``num_steps`` env steps
        make one rollout."""
        cfg = self.config
        problems = cfg.rollout_problems(num_steps, num_envs)
        if problems:
            raise ValueError(f"invalid {cfg.algorithm_name()} config: {problems[0]}")
        self.num_steps = int(num_steps)
        self.buffer = ReplayBuffer(
            capacity=cfg.buffer_size,
            num_envs=num_envs,
            obs_dim=obs_dim,
            action_dim=action_dim,
            device=self.device,
            gamma=cfg.gamma,
            n_step=cfg.n_step,
        )

    def _require_replay(self) -> ReplayBuffer:
        if self.buffer is None:
            raise RuntimeError(
                f"{type(self).__name__}: call initialize_buffer(num_steps, num_envs, "
                "obs_dim, action_dim) before collecting or updating"
            )
        return self.buffer

    @property
    def learning(self) -> bool:
        """Whether the buffer holds enough transitions (``learning_starts``) to learn."""
        return self.buffer is not None and len(self.buffer) >= max(self.config.learning_starts, 1)

    # ------------------------------------------------------------------ collection

    @torch.no_grad()
    def collect_rollout(
        self, env: EmbodiedEnv, obs: Observation, on_step: StepCallback | None = None
    ) -> Observation:
        buffer = self._require_replay()
        if env.num_envs != buffer.num_envs:
            raise ValueError(f"env has {env.num_envs} envs, buffer expects {buffer.num_envs}")
        seen = []
        for _ in range(self.num_steps):
            if self.env_steps < self.config.learning_starts:
                action = self._random_action(observation_rows(obs))
            else:
                action = self._exploration_action(obs)
            next_obs, reward, terminated, truncated, info = env.step(action)
            if "final_obs" not in info:
                raise KeyError(f"{type(env).__name__}.step must put 'final_obs' in info")
            buffer.add(obs, action, reward, info["final_obs"], terminated, truncated)
            if on_step is not None:
                on_step(reward, terminated, truncated, info)
            self._after_env_step(terminated, truncated)
            seen.append(obs)
            self.env_steps += env.num_envs
            obs = next_obs
        self._update_observation_statistics(seen)
        return obs

    def _random_action(self, num_envs: int) -> torch.Tensor:
        """Uniform actions ``[num_envs, A]`` in the policy's action bounds."""
        low = self.policy.action_low
        high = self.policy.action_high
        u = torch.rand((num_envs, low.shape[0]), generator=self.generator, device=self.device)
        return low + (high - low) * u

    @abstractmethod
    def _exploration_action(self, obs: Observation) -> torch.Tensor:
        """The action ``[N, A]`` to take from raw ``obs`` once learning has started."""

    def _after_env_step(self, terminated: torch.Tensor, truncated: torch.Tensor) -> None:
        """Called after every env step of collection (also during the random warm-up)."""

    def _update_observation_statistics(self, seen: list[Observation]) -> None:
        """Fold a rollout's raw observations (every rank's) into the policy's normaliser
        (a dict normaliser: its vector keys only, images never stacked)."""
        normalizer = self.policy.observation_normalizer()
        if normalizer is None:
            return
        if isinstance(seen[0], dict):
            keys = normalizer.normalized_keys
            stacked = {key: torch.stack([step[key] for step in seen]) for key in keys}  # type: ignore[index]
            fold_in_observations(normalizer, stacked, self.distributed)
            return
        fold_in_observations(normalizer, torch.stack(seen), self.distributed)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ update

    def update(self) -> dict[str, torch.Tensor]:
        buffer = self._require_replay()
        self.lr_schedule.apply(self.update_count)
        self.update_count += 1
        fill = torch.full((), len(buffer) / buffer.capacity, device=self.device)
        if not self.learning:
            return {"buffer_fill": fill}
        self.policy.train()
        sums: dict[str, torch.Tensor] = {}
        count = self.config.updates_per_step * self.num_steps
        for i in range(count):
            batch = buffer.sample(self.config.batch_size, generator=self.generator)
            metrics = self._train_step(batch, i)
            for name, value in metrics.items():
                value = value.detach().float().reshape(())
                sums[name] = sums[name] + value if name in sums else value
            self.gradient_steps += 1
        means = {name: total / count for name, total in sums.items()}
        if means and self.distributed.enabled:
            names = list(means)
            stacked = self.distributed.all_reduce_mean_(torch.stack([means[k] for k in names]))
            means = {k: stacked[j] for j, k in enumerate(names)}
        means["buffer_fill"] = fill
        return means

    @abstractmethod
    def _train_step(self, batch: ReplayBatch, update_index: int) -> dict[str, torch.Tensor]:
        """One gradient step on ``batch``; scalar metric tensors (on the device)."""

    def _optimize(
        self, optimizer: torch.optim.Optimizer, loss: torch.Tensor, params: list[nn.Parameter]
    ) -> None:
        """Backward ``loss`` into ``params`` only, average their gradients over the ranks,
        clip their global norm (``max_grad_norm``), take one ``optimizer`` step."""
        optimizer.zero_grad(set_to_none=True)
        loss.backward(inputs=params)
        average_gradients_(params, self.distributed)
        self._clip_and_step(optimizer, params)

    def _eager_clip_and_step(
        self, optimizer: torch.optim.Optimizer, params: list[nn.Parameter]
    ) -> None:
        """Clip the global norm of ``params``' gradients (``max_grad_norm``), then step."""
        if self.config.max_grad_norm is not None:
            torch.nn.utils.clip_grad_norm_(params, self.config.max_grad_norm)
        optimizer.step()

    def _standard_normal(self, like: torch.Tensor) -> torch.Tensor:
        """Standard-normal noise shaped like ``like``, from the learner's generator."""
        return torch.randn(like.shape, generator=self.generator, device=self.device)

    # ------------------------------------------------------------------ state

    def state_dict(self) -> dict[str, Any]:
        state: dict[str, Any] = {
            "generator": self.generator.get_state(),
            "env_steps": self.env_steps,
            "gradient_steps": self.gradient_steps,
            "update_count": self.update_count,
            "extra": self._extra_state(),
            "replay_buffer": None,
        }
        if self.config.save_replay_buffer and self.buffer is not None:
            state["replay_buffer"] = self.buffer.state_dict()
        return state

    def rank_local_state(self) -> dict[str, Any]:
        return {"generator": self.generator.get_state()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.generator.set_state(state["generator"].cpu())
        self.env_steps = int(state["env_steps"])
        self.gradient_steps = int(state["gradient_steps"])
        self.update_count = int(state.get("update_count", 0))  # older checkpoints: none
        self._load_extra_state(state["extra"])
        for optimizer in self.lr_schedule.optimizers:
            restore_device_learning_rates(optimizer, self.device)
        saved = state.get("replay_buffer")
        buffer = self._require_replay()
        if saved is not None and self.config.save_replay_buffer:
            buffer.load_state_dict(saved)
            log.info("resumed the replay buffer: %d transitions", len(buffer))
        else:
            log.warning(
                "resuming with an EMPTY replay buffer (the checkpoint has none%s): learning "
                "waits until it holds algorithm.learning_starts=%d transitions again; set "
                "algorithm.save_replay_buffer=true for an exact resume",
                "" if saved is None else "; algorithm.save_replay_buffer=false ignores it",
                self.config.learning_starts,
            )

    def _extra_state(self) -> dict[str, Any]:
        """Subclass state to checkpoint (targets, optimisers, counters)."""
        return {}

    def _load_extra_state(self, state: dict[str, Any]) -> None:
        """Restore what ``_extra_state`` returned."""
