"""Proximal Policy Optimisation (clip) with GAE and time-limit bootstrapping."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

import torch
from torch.profiler import record_function

from embodichain_rl.algorithms.base import BaseAlgorithm, StepCallback
from embodichain_rl.algorithms.gae import compute_gae
from embodichain_rl.algorithms.losses import ppo_loss
from embodichain_rl.algorithms.normalization import (
    ReturnScaler,
    ValueNormalizer,
    fold_in_observations,
)
from embodichain_rl.algorithms.optim.learner import (
    load_optimizer_state,
    optimizer_and_schedule,
    optimizer_state,
    seeded_generator,
)
from embodichain_rl.algorithms.ppo_config import PPOConfig, minibatch_size
from embodichain_rl.algorithms.registry import register_algo
from embodichain_rl.algorithms.time_limit_bootstrap import (
    TimeLimitBootstrap,
    time_limited_capacity,
)
from embodichain_rl.buffer.rollout_buffer import Batch, RolloutBuffer
from embodichain_rl.distributed.context import SINGLE_PROCESS, DistributedContext
from embodichain_rl.distributed.ops import average_gradients_, global_mean_std
from embodichain_rl.distributed.policy_sync import share_policy
from embodichain_rl.envs.base import EmbodiedEnv
from embodichain_rl.policies.base import Policy
from embodichain_rl.policies.kwargs import config_from_kwargs
from embodichain_rl.utils.compile import COMPILE_MODES, check_compile_mode, compile_for
from embodichain_rl.utils.observations import Observation, ObservationLayout

log = logging.getLogger(__name__)

PROFILE_SCOPES = {
    "step": "ppo/rollout/step",
    "store": "ppo/rollout/store",
    "advantages": "ppo/rollout/advantages",
    "minibatch": "ppo/update/minibatch",
    "loss": "ppo/update/loss",
    "backward": "ppo/update/backward",
    "optimizer": "ppo/update/optimizer",
}
"""``torch.profiler`` ranges around each phase of an iteration (``embodichain-bench
profile`` reads them): the rollout step (policy sample, env step), storing it (episode
tracker, reward scaling, buffer write), the truncation bootstrap and GAE; then per
minibatch the index gather, the forward pass and loss, the backward pass (and gradient
all-reduce), and clipping plus the Adam step."""

METRIC_NAMES = ("policy_loss", "value_loss", "entropy", "approx_kl", "clipfrac", "loss")
"""Per-minibatch terms ``update`` averages over the minibatches it ran."""


@register_algo("ppo")
class PPO(BaseAlgorithm):
    """PPO-clip with GAE on a batched env (see ``PPOConfig`` for every hyperparameter).

    Rollout: rewards of episodes cut by the time limit (``truncated & ~terminated``) get
    ``γ·V(info["final_obs"])`` added (one critic pass over those rows at the rollout's end,
    :mod:`~embodichain_rl.algorithms.time_limit_bootstrap`), every ``terminated |
    truncated`` step is an episode boundary for GAE, and the rollout end bootstraps from
    ``V`` of the last observation. Advantages are standardised exactly once, over the whole
    rollout. Update: ``n_epochs`` × ``num_minibatches`` (or minibatches of ``batch_size``)
    of the configured optimiser (``optimizer``, Adam by default) on the clipped loss, at
    the rate of ``lr_schedule``; nothing in either loop reads a device value on the host.
    The only sync is the once-per-epoch ``target_kl`` check, and only when ``target_kl`` is
    set. The policy's observation normaliser (if any) is frozen during collection and the
    epochs, and folds the rollout's observations in at the end of ``update``, so the ratio
    of the first minibatch is 1.

    Reward scaling (``normalize_reward``) divides every reward by the running std of the
    discounted return before it is stored (the env's raw reward still reaches ``on_step``,
    so logged returns stay raw); value normalisation (``normalize_value``) trains the critic
    on standardised targets and de-standardises it wherever a value enters GAE. Both are on
    the device, in ``state_dict``, and take their statistics over all ranks.

    Data-parallel (``distributed`` with several ranks): every rank starts from rank 0's
    policy and learns from its own rollout; the observation normaliser merges all ranks'
    rollouts, the advantage statistics are taken over all ranks, every minibatch's gradient
    is averaged over the ranks before clipping, the ``target_kl`` decision uses the
    ranks' mean KL, and the reported losses are rank means. All ranks draw the same
    minibatch permutation (same ``seed``), each over its own samples.

    Fast path (``use_compile``): the rollout step (policy sample, env step) and the
    minibatch loss and optimiser step run through ``torch.compile`` or CUDA graphs. The
    learning rate lives in a device tensor the optimiser reads (capturable Adam on CUDA), so
    a schedule never recompiles or syncs.
    """

    compile_modes: ClassVar[tuple[str, ...]] = COMPILE_MODES
    """Eager, compiled, or compiled and replayed as CUDA graphs."""
    accepts_dict_observations: ClassVar[bool] = True
    """Learns from dict observations (camera images, state vectors) as well as flat ones."""

    def __init__(
        self,
        *,
        policy: Policy,
        device: torch.device | str,
        distributed: DistributedContext = SINGLE_PROCESS,
        **hyperparameters: Any,
    ) -> None:
        """``hyperparameters`` are ``PPOConfig`` fields (its defaults fill the rest); an
        unknown name raises ``TypeError`` listing the valid ones."""
        self.config = config_from_kwargs(PPOConfig, "PPO", hyperparameters)
        """Every hyperparameter of this learner."""
        self.device = torch.device(device)
        self.distributed = distributed
        """The data-parallel job this learner belongs to (no-op in a single process)."""
        self.policy = policy.to(self.device)
        share_policy(self.policy, distributed)
        self.buffer = None
        self.optimizer, self.lr_schedule = optimizer_and_schedule(
            self.policy.parameters(), self.config, self.device
        )
        """The optimiser (``optimizer``) and the ``lr_schedule`` writing each update's rate."""
        self.generator = seeded_generator(self.config.seed, self.device)
        self.minibatch_size: int | None = None
        """Samples per minibatch, fixed by ``initialize_buffer`` from the rollout's size."""
        self.update_count = 0
        """Number of completed ``update`` calls (drives the learning-rate schedule)."""
        self.compile_mode = "none"
        """How the hot functions run (``runtime.compile``; see ``use_compile``)."""
        self.reward_scaler: ReturnScaler | None = None
        """Running return-based reward scaling (``normalize_reward``; built with the buffer)."""
        self.time_limit_bootstrap: TimeLimitBootstrap | None = None
        """Final observations of the rollout's time-limited steps (built with the buffer)."""
        self.value_normalizer = (
            ValueNormalizer(device=self.device, distributed=distributed)
            if self.config.normalize_value
            else None
        )
        """Running statistics of the value targets (``normalize_value``)."""
        self._rollout_step = self._eager_rollout_step
        self._minibatch_loss = self._eager_minibatch_loss
        self._optimizer_step = self._eager_optimizer_step

    @classmethod
    def from_config(
        cls,
        *,
        policy: Policy,
        device: torch.device | str,
        config: PPOConfig,
        distributed: DistributedContext = SINGLE_PROCESS,
    ) -> PPO:
        """Build from a ``PPOConfig`` instance."""
        return cls(policy=policy, device=device, distributed=distributed, **asdict(config))

    def use_compile(self, mode: str) -> None:
        """Run the rollout step and the minibatch update eagerly (``"none"``), through
        ``torch.compile`` (``"compile"``) or as CUDA graphs (``"cudagraphs"``, CUDA only).
        Compilation happens on the first rollout / update; the env step is compiled but
        never graph-replayed: the env replaces its state tensors every step, and replay would
        hand them back in memory the next replay overwrites."""
        check_compile_mode(mode, self.device)
        self.compile_mode = mode
        rollout_mode = "compile" if mode == "cudagraphs" else mode
        self._rollout_step = compile_for(self._eager_rollout_step, rollout_mode)
        self._minibatch_loss = compile_for(self._eager_minibatch_loss, mode)
        self._optimizer_step = compile_for(self._eager_optimizer_step, mode)

    def _mark_step(self) -> None:
        """Tell CUDA-graph replay that the outputs of the previous call are consumed."""
        if self.compile_mode == "cudagraphs":
            torch.compiler.cudagraph_mark_step_begin()

    def initialize_buffer(
        self, num_steps: int, num_envs: int, obs_dim: ObservationLayout, action_dim: int
    ) -> None:
        cfg = self.config
        self.minibatch_size = minibatch_size(
            cfg.num_minibatches, cfg.batch_size, num_steps, num_envs
        )
        super().initialize_buffer(num_steps, num_envs, obs_dim, action_dim)
        self.time_limit_bootstrap = TimeLimitBootstrap(
            num_steps=num_steps, num_envs=num_envs, obs_dim=obs_dim, device=self.device
        )
        if cfg.normalize_reward:
            self.reward_scaler = ReturnScaler(
                num_envs=num_envs,
                gamma=cfg.gamma,
                clip=cfg.reward_clip,
                device=self.device,
                distributed=self.distributed,
            )
        total = num_steps * num_envs
        if total % self.minibatch_size:
            log.warning(
                "rollout of %d samples is not a multiple of the minibatch size %d: %d random "
                "samples per epoch are left out (the last partial minibatch is dropped)",
                total,
                self.minibatch_size,
                total % self.minibatch_size,
            )

    @property
    def learning_rate(self) -> float:
        """Learning rate the next ``update`` uses (host arithmetic on the update counter;
        the adaptive schedule's rate is read from the device)."""
        if self.lr_schedule.adaptive:
            return float(self.optimizer.param_groups[0]["lr"])
        return self.lr_schedule.host_lr(self.update_count)

    @torch.no_grad()
    def collect_rollout(
        self, env: EmbodiedEnv, obs: Observation, on_step: StepCallback | None = None
    ) -> Observation:
        buffer = self._require_buffer()
        if env.num_envs != buffer.num_envs:
            raise ValueError(f"env has {env.num_envs} envs, buffer expects {buffer.num_envs}")
        buffer.reset()
        time_limit = self._require_time_limit_bootstrap()
        for t in range(buffer.num_steps):
            with record_function(PROFILE_SCOPES["step"]):
                step = self._rollout_step(env, obs)
            with record_function(PROFILE_SCOPES["store"]):
                if on_step is not None:
                    on_step(step.reward, step.terminated, step.truncated, step.info)
                dones = step.terminated | step.truncated
                reward = step.reward
                if self.reward_scaler is not None:
                    reward = self.reward_scaler(reward, dones)
                time_limit.record(t, step.info["final_obs"], step.terminated, step.truncated)
                buffer.add(
                    obs=obs,
                    actions=step.action,
                    log_probs=step.log_prob,
                    rewards=reward,
                    dones=dones,
                    values=step.value,
                )
            obs = step.next_obs
        with record_function(PROFILE_SCOPES["advantages"]):
            capacity = time_limited_capacity(env, buffer.num_steps)
            buffer.rewards.add_(time_limit.values(self._value, capacity), alpha=self.config.gamma)
            self._compute_advantages(self._value(obs))
        return obs

    def _value(self, obs: Observation) -> torch.Tensor:
        """The critic's value of ``obs`` in return units (de-standardised when
        ``normalize_value``)."""
        value = self.policy.get_value(obs)
        if self.value_normalizer is None:
            return value
        return self.value_normalizer.denormalize(value)

    def _eager_rollout_step(self, env: EmbodiedEnv, obs: Observation) -> RolloutStep:
        """One env step of every env from ``obs``: sample (value in return units) and step."""
        action, log_prob, value = self.policy.get_action(obs)
        if self.value_normalizer is not None:
            value = self.value_normalizer.denormalize(value)
        next_obs, reward, terminated, truncated, info = env.step(action)
        if "final_obs" not in info:
            raise KeyError(f"{type(env).__name__}.step must put 'final_obs' in info")
        return RolloutStep(
            action=action,
            log_prob=log_prob,
            value=value,
            next_obs=next_obs,
            reward=reward,
            terminated=terminated,
            truncated=truncated,
            info=info,
        )

    def _require_time_limit_bootstrap(self) -> TimeLimitBootstrap:
        assert self.time_limit_bootstrap is not None, "initialize_buffer allocates it"
        return self.time_limit_bootstrap

    def _compute_advantages(self, next_value: torch.Tensor) -> None:
        buffer = self._require_buffer()
        cfg = self.config
        advantages, returns = compute_gae(
            buffer.rewards, buffer.values, buffer.dones, next_value, cfg.gamma, cfg.gae_lambda
        )
        if cfg.normalize_advantage:
            mean, std = global_mean_std(advantages, self.distributed)
            advantages = (advantages - mean) / (std + 1e-8)
        buffer.set_extras(advantages=advantages, returns=returns)

    def update(self) -> dict[str, torch.Tensor]:
        buffer = self._require_buffer()
        if not buffer.full:
            raise RuntimeError("update() needs a full rollout; call collect_rollout first")
        cfg = self.config
        self.lr_schedule.apply(self.update_count)
        lr = self.lr_schedule.current_lr()
        self.policy.train()
        params = self._parameters()
        if self.value_normalizer is not None:
            self.value_normalizer.update(buffer.returns)
        sums = torch.zeros(len(METRIC_NAMES), device=self.device)
        kl_index = METRIC_NAMES.index("approx_kl")
        minibatches = 0
        epochs = 0
        for _ in range(cfg.n_epochs):
            epoch_kl = torch.zeros((), device=self.device)
            epoch_minibatches = 0
            for batch in self._profiled_minibatches(buffer):
                self._mark_step()
                self.optimizer.zero_grad(set_to_none=True)
                with record_function(PROFILE_SCOPES["loss"]):
                    loss, terms = self._minibatch_loss(
                        batch["obs"],
                        batch["actions"],
                        batch["log_probs"],
                        batch["advantages"],
                        batch["values"],
                        batch["returns"],
                    )
                with record_function(PROFILE_SCOPES["backward"]):
                    loss.backward()
                    average_gradients_(params, self.distributed)
                with record_function(PROFILE_SCOPES["optimizer"]):
                    self._optimizer_step()
                sums += terms
                epoch_kl += terms[kl_index]
                epoch_minibatches += 1
            minibatches += epoch_minibatches
            epochs += 1
            if cfg.target_kl is not None:
                self.distributed.all_reduce_mean_(epoch_kl)
            # The one host sync of an update, once per epoch and only with target_kl set.
            if cfg.target_kl is not None and bool(epoch_kl / epoch_minibatches > cfg.target_kl):
                log.debug("target_kl %.4g reached after %d epochs", cfg.target_kl, epochs)
                break
        self.update_count += 1
        self._update_observation_statistics(buffer)
        means = self.distributed.all_reduce_mean_(sums) / minibatches
        self.lr_schedule.adapt(means[kl_index])  # adaptive: next update's rate, on device
        metrics = {name: means[i] for i, name in enumerate(METRIC_NAMES)}
        metrics["explained_variance"] = explained_variance(buffer.values, buffer.returns)
        metrics["lr"] = lr
        metrics["epochs"] = torch.full((), float(epochs), device=self.device)
        if self.reward_scaler is not None:
            metrics["reward_scale_std"] = self.reward_scaler.std()
        action_std = self.policy.action_std()
        if action_std is not None:
            metrics["action_std"] = action_std
        return metrics

    def _update_observation_statistics(self, buffer: RolloutBuffer) -> None:
        """Fold the rollout's observations (every rank's) into the policy's normaliser, once
        per iteration and after the epochs: the rollout's log-probs and values and the whole
        update see the same normalisation; the next rollout sees the new statistics."""
        fold_in_observations(self.policy.observation_normalizer(), buffer.obs, self.distributed)

    def _profiled_minibatches(self, buffer: RolloutBuffer) -> Iterator[Batch]:
        """``buffer.minibatches`` with each gather inside the ``minibatch`` profiler scope."""
        assert self.minibatch_size is not None  # set with the buffer
        batches = buffer.minibatches(self.minibatch_size, generator=self.generator)
        while True:
            with record_function(PROFILE_SCOPES["minibatch"]):
                batch = next(batches, None)
            if batch is None:
                return
            yield batch

    def _parameters(self) -> list[torch.nn.Parameter]:
        return [p for group in self.optimizer.param_groups for p in group["params"]]

    def _eager_minibatch_loss(
        self,
        obs: Observation,
        actions: torch.Tensor,
        old_log_probs: torch.Tensor,
        advantages: torch.Tensor,
        old_values: torch.Tensor,
        returns: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The clipped PPO loss of one minibatch and its detached terms (``METRIC_NAMES``
        order)."""
        cfg = self.config
        log_probs, entropy, values = self.policy.evaluate_actions(obs, actions)
        if self.value_normalizer is not None:  # the critic's own (standardised) scale
            old_values = self.value_normalizer.normalize(old_values)
            returns = self.value_normalizer.normalize(returns)
        terms = ppo_loss(
            log_probs=log_probs,
            old_log_probs=old_log_probs,
            advantages=advantages,
            values=values,
            old_values=old_values,
            returns=returns,
            entropy=entropy,
            clip_coef=cfg.clip_coef,
            vf_coef=cfg.vf_coef,
            ent_coef=cfg.ent_coef,
            clip_value_loss=cfg.clip_value_loss,
        )
        metrics = torch.stack([getattr(terms, name).detach() for name in METRIC_NAMES])
        return terms.loss, metrics

    def _eager_optimizer_step(self) -> None:
        """Clip the global gradient norm (when configured) and take one Adam step."""
        if self.config.max_grad_norm is not None:
            torch.nn.utils.clip_grad_norm_(self._parameters(), self.config.max_grad_norm)
        self.optimizer.step()

    def state_dict(self) -> dict[str, Any]:
        state: dict[str, Any] = {
            **optimizer_state(self.optimizer, self.update_count),
            "generator": self.generator.get_state(),
        }
        if self.reward_scaler is not None:
            state["reward_scaler"] = self.reward_scaler.state_dict()
        if self.value_normalizer is not None:
            state["value_normalizer"] = self.value_normalizer.state_dict()
        return state

    def rank_local_state(self) -> dict[str, Any]:
        """This rank's minibatch stream and, with reward scaling, its envs' running returns
        (its envs restart from a seeded reset on resume) under rank 0's global statistics."""
        state: dict[str, Any] = {"generator": self.generator.get_state()}
        if self.reward_scaler is not None:
            state["reward_returns"] = self.reward_scaler.returns.clone()
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.update_count = load_optimizer_state(self.optimizer, state, self.device)
        self.generator.set_state(state["generator"].cpu())
        _load_part(state, "reward_scaler", self.reward_scaler)
        _load_part(state, "value_normalizer", self.value_normalizer)
        if self.reward_scaler is not None and "reward_returns" in state:
            self.reward_scaler.returns.copy_(state["reward_returns"])


@dataclass
class RolloutStep:
    """What one rollout step produced for every env (``[N, ...]`` tensors)."""

    action: torch.Tensor
    """Sampled action."""
    log_prob: torch.Tensor
    """Its log-probability under the rollout policy."""
    value: torch.Tensor
    """Critic value of the observation the action was taken from."""
    next_obs: Observation
    """Observation to continue from (already reset where an episode ended)."""
    reward: torch.Tensor
    """The env's reward."""
    terminated: torch.Tensor
    """Episode ended in a terminal state."""
    truncated: torch.Tensor
    """Episode cut by the time limit."""
    info: dict[str, Any]
    """The env's info (``final_obs``, ``rewards``, ``metrics``)."""


def explained_variance(predicted: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """``1 - Var(target - predicted) / Var(target)`` as a device scalar (NaN when the target
    is constant)."""
    target_var = target.var()
    ratio = (target - predicted).var() / target_var
    return torch.where(target_var > 0, 1.0 - ratio, torch.full_like(ratio, float("nan")))


def _load_part(
    state: dict[str, Any], key: str, part: ReturnScaler | ValueNormalizer | None
) -> None:
    """Restore ``part`` from ``state[key]``; a checkpoint written with it off (or on) while
    the run has it on (or off) is refused by name."""
    if (part is None) != (key not in state):
        saved = "with" if key in state else "without"
        raise ValueError(
            f"checkpoint was written {saved} PPO {key} but this run has it "
            f"{'off' if part is None else 'on'}: match algorithm.normalize_reward / "
            "algorithm.normalize_value to the checkpoint's config"
        )
    if part is not None:
        part.load_state_dict(state[key])
