"""Proximal Policy Optimisation (clip) with GAE and time-limit bootstrapping."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Any

import torch

from embodichain_rl.algorithms.base import BaseAlgorithm, StepCallback
from embodichain_rl.algorithms.gae import compute_gae
from embodichain_rl.algorithms.losses import ppo_loss
from embodichain_rl.algorithms.registry import register_algo
from embodichain_rl.distributed.context import SINGLE_PROCESS, DistributedContext
from embodichain_rl.distributed.ops import average_gradients_, global_mean_std
from embodichain_rl.distributed.policy_sync import share_policy
from embodichain_rl.envs.base import EmbodiedEnv
from embodichain_rl.policies.base import Policy

log = logging.getLogger(__name__)

LR_SCHEDULES = ("constant", "linear")
"""Valid ``lr_schedule`` values."""

METRIC_NAMES = ("policy_loss", "value_loss", "entropy", "approx_kl", "clipfrac", "loss")
"""Per-minibatch terms ``update`` averages over the minibatches it ran."""


@dataclass
class PPOConfig:
    """Every PPO hyperparameter (the Hydra ``algorithm`` schema reuses this class)."""

    learning_rate: float = 3e-4
    """Adam step size at the first update (> 0)."""
    n_epochs: int = 10
    """Passes over each rollout per update (>= 1)."""
    batch_size: int = 64
    """Minibatch size in samples, in [1, num_steps * num_envs]; a partial last one is dropped."""
    gamma: float = 0.99
    """Discount factor per env step, in [0, 1]."""
    gae_lambda: float = 0.95
    """GAE bias/variance trade-off λ, in [0, 1] (1 = Monte-Carlo returns)."""
    clip_coef: float = 0.2
    """Surrogate (and optional value) clipping range ε, > 0 (typ. 0.1-0.3)."""
    ent_coef: float = 0.01
    """Weight of the entropy bonus, >= 0."""
    vf_coef: float = 0.5
    """Weight of the value loss, >= 0."""
    max_grad_norm: float | None = 0.5
    """Global L2 gradient-norm clip, > 0; null disables clipping."""
    clip_value_loss: bool = False
    """Also clip the value prediction to within clip_coef of the rollout value."""
    normalize_advantage: bool = True
    """Standardise advantages once per rollout (over all T*N samples) before the epochs."""
    lr_schedule: str = "constant"
    """'constant' or 'linear' (decays to 0 over total_updates updates)."""
    total_updates: int | None = None
    """Update() calls the linear schedule spans, >= 1 (null: the trainer's iteration count)."""
    target_kl: float | None = None
    """Stop the epochs early once an epoch's mean approx-KL exceeds this, > 0; null: never."""
    adam_eps: float = 1e-5
    """Adam's denominator epsilon, > 0."""
    seed: int | None = None
    """Seed of the device generator that shuffles minibatches (null: the run's seed, else 0)."""

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ``ValueError`` naming every out-of-range hyperparameter."""
        problems = []
        if not self.learning_rate > 0:
            problems.append(f"learning_rate must be > 0, got {self.learning_rate}")
        if self.n_epochs < 1:
            problems.append(f"n_epochs must be >= 1, got {self.n_epochs}")
        if self.batch_size < 1:
            problems.append(f"batch_size must be >= 1, got {self.batch_size}")
        for name in ("gamma", "gae_lambda"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                problems.append(f"{name} must be in [0, 1], got {getattr(self, name)}")
        if not self.clip_coef > 0:
            problems.append(f"clip_coef must be > 0, got {self.clip_coef}")
        for name in ("ent_coef", "vf_coef"):
            if getattr(self, name) < 0:
                problems.append(f"{name} must be >= 0, got {getattr(self, name)}")
        if self.max_grad_norm is not None and not self.max_grad_norm > 0:
            problems.append(f"max_grad_norm must be > 0 or null, got {self.max_grad_norm}")
        if self.lr_schedule not in LR_SCHEDULES:
            problems.append(
                f"lr_schedule must be one of {list(LR_SCHEDULES)}, got {self.lr_schedule!r}"
            )
        if self.total_updates is not None and self.total_updates < 1:
            problems.append(f"total_updates must be >= 1 or null, got {self.total_updates}")
        if self.target_kl is not None and not self.target_kl > 0:
            problems.append(f"target_kl must be > 0 or null, got {self.target_kl}")
        if not self.adam_eps > 0:
            problems.append(f"adam_eps must be > 0, got {self.adam_eps}")
        if problems:
            raise ValueError("invalid PPO config: " + "; ".join(problems))


@register_algo("ppo")
class PPO(BaseAlgorithm):
    """PPO-clip with GAE on a batched env (see ``PPOConfig`` for every hyperparameter).

    Rollout: rewards of episodes cut by the time limit (``truncated & ~terminated``) get
    ``γ·V(info["final_obs"])`` added, every ``terminated | truncated`` step is an episode
    boundary for GAE, and the rollout end bootstraps from ``V`` of the last observation.
    Advantages are standardised exactly once, over the whole rollout. Update: ``n_epochs``
    × minibatches of Adam on the clipped loss; nothing in either loop reads a device value
    on the host. The only sync is the once-per-epoch ``target_kl`` check, and only when
    ``target_kl`` is set.

    Data-parallel (``distributed`` with several ranks): every rank starts from rank 0's
    policy and learns from its own rollout; the observation normaliser merges all ranks'
    batches, the advantage statistics are taken over all ranks, every minibatch's gradient
    is averaged over the ranks before clipping, the ``target_kl`` decision uses the
    ranks' mean KL, and the reported losses are rank means. All ranks draw the same
    minibatch permutation (same ``seed``), each over its own samples.
    """

    def __init__(
        self,
        *,
        policy: Policy,
        device: torch.device | str,
        learning_rate: float = 3e-4,
        n_epochs: int = 10,
        batch_size: int = 64,
        gamma: float = 0.99,
        gae_lambda: float = 0.95,
        clip_coef: float = 0.2,
        ent_coef: float = 0.01,
        vf_coef: float = 0.5,
        max_grad_norm: float | None = 0.5,
        clip_value_loss: bool = False,
        normalize_advantage: bool = True,
        lr_schedule: str = "constant",
        total_updates: int | None = None,
        target_kl: float | None = None,
        adam_eps: float = 1e-5,
        seed: int | None = None,
        distributed: DistributedContext = SINGLE_PROCESS,
    ) -> None:
        if lr_schedule == "linear" and total_updates is None:
            raise ValueError("PPO lr_schedule='linear' needs total_updates (>= 1)")
        self.config = PPOConfig(
            learning_rate=learning_rate,
            n_epochs=n_epochs,
            batch_size=batch_size,
            gamma=gamma,
            gae_lambda=gae_lambda,
            clip_coef=clip_coef,
            ent_coef=ent_coef,
            vf_coef=vf_coef,
            max_grad_norm=max_grad_norm,
            clip_value_loss=clip_value_loss,
            normalize_advantage=normalize_advantage,
            lr_schedule=lr_schedule,
            total_updates=total_updates,
            target_kl=target_kl,
            adam_eps=adam_eps,
            seed=seed,
        )
        self.device = torch.device(device)
        self.distributed = distributed
        """The data-parallel job this learner belongs to (no-op in a single process)."""
        self.policy = policy.to(self.device)
        share_policy(self.policy, distributed)
        self.buffer = None
        self.optimizer = torch.optim.Adam(self.policy.parameters(), lr=learning_rate, eps=adam_eps)
        self.generator = torch.Generator(device=self.device)
        self.generator.manual_seed(0 if seed is None else seed)
        self.update_count = 0
        """Number of completed ``update`` calls (drives the learning-rate schedule)."""

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

    def initialize_buffer(
        self, num_steps: int, num_envs: int, obs_dim: int, action_dim: int
    ) -> None:
        super().initialize_buffer(num_steps, num_envs, obs_dim, action_dim)
        total = num_steps * num_envs
        batch_size = self.config.batch_size
        if batch_size > total:
            raise ValueError(
                f"PPO batch_size={batch_size} (minibatch size) exceeds the rollout's "
                f"num_steps*num_envs = {num_steps}*{num_envs} = {total} samples"
            )
        if total % batch_size:
            log.warning(
                "rollout of %d samples is not a multiple of batch_size=%d: %d random samples "
                "per epoch are left out (the last partial minibatch is dropped)",
                total,
                batch_size,
                total % batch_size,
            )

    @property
    def learning_rate(self) -> float:
        """Learning rate the next ``update`` uses (host arithmetic on the update counter)."""
        cfg = self.config
        if cfg.lr_schedule == "linear":
            assert cfg.total_updates is not None
            return cfg.learning_rate * max(0.0, 1.0 - self.update_count / cfg.total_updates)
        return cfg.learning_rate

    @torch.no_grad()
    def collect_rollout(
        self, env: EmbodiedEnv, obs: torch.Tensor, on_step: StepCallback | None = None
    ) -> torch.Tensor:
        buffer = self._require_buffer()
        if env.num_envs != buffer.num_envs:
            raise ValueError(f"env has {env.num_envs} envs, buffer expects {buffer.num_envs}")
        gamma = self.config.gamma
        policy = self.policy
        buffer.reset()
        for _ in range(buffer.num_steps):
            policy.update_normalization(obs)
            action, log_prob, value = policy.get_action(obs)
            next_obs, reward, terminated, truncated, info = env.step(action)
            if on_step is not None:
                on_step(reward, terminated, truncated, info)
            if "final_obs" not in info:
                raise KeyError(f"{type(env).__name__}.step must put 'final_obs' in info")
            final_value = policy.get_value(info["final_obs"])
            time_limited = truncated & ~terminated
            bootstrap = torch.where(time_limited, final_value, torch.zeros_like(final_value))
            buffer.add(
                obs=obs,
                actions=action,
                log_probs=log_prob,
                rewards=reward + gamma * bootstrap,
                dones=terminated | truncated,
                values=value,
            )
            obs = next_obs
        self._compute_advantages(policy.get_value(obs))
        return obs

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
        lr = self.learning_rate
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        self.policy.train()
        params = [p for group in self.optimizer.param_groups for p in group["params"]]
        sums = torch.zeros(len(METRIC_NAMES), device=self.device)
        minibatches = 0
        epochs = 0
        for _ in range(cfg.n_epochs):
            epoch_kl = torch.zeros((), device=self.device)
            epoch_minibatches = 0
            for batch in buffer.minibatches(cfg.batch_size, generator=self.generator):
                log_probs, entropy, values = self.policy.evaluate_actions(
                    batch["obs"], batch["actions"]
                )
                terms = ppo_loss(
                    log_probs=log_probs,
                    old_log_probs=batch["log_probs"],
                    advantages=batch["advantages"],
                    values=values,
                    old_values=batch["values"],
                    returns=batch["returns"],
                    entropy=entropy,
                    clip_coef=cfg.clip_coef,
                    vf_coef=cfg.vf_coef,
                    ent_coef=cfg.ent_coef,
                    clip_value_loss=cfg.clip_value_loss,
                )
                self.optimizer.zero_grad(set_to_none=True)
                terms.loss.backward()
                average_gradients_(params, self.distributed)
                if cfg.max_grad_norm is not None:
                    torch.nn.utils.clip_grad_norm_(params, cfg.max_grad_norm)
                self.optimizer.step()
                sums += torch.stack([getattr(terms, name).detach() for name in METRIC_NAMES])
                epoch_kl += terms.approx_kl
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
        means = self.distributed.all_reduce_mean_(sums) / minibatches
        metrics = {name: means[i] for i, name in enumerate(METRIC_NAMES)}
        metrics["explained_variance"] = explained_variance(buffer.values, buffer.returns)
        metrics["lr"] = torch.full((), lr, device=self.device)
        metrics["epochs"] = torch.full((), float(epochs), device=self.device)
        action_std = self.policy.action_std()
        if action_std is not None:
            metrics["action_std"] = action_std
        return metrics

    def state_dict(self) -> dict[str, Any]:
        return {
            "optimizer": self.optimizer.state_dict(),
            "update_count": self.update_count,
            "generator": self.generator.get_state(),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.optimizer.load_state_dict(state["optimizer"])
        self.update_count = int(state["update_count"])
        self.generator.set_state(state["generator"].cpu())


def explained_variance(predicted: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """``1 - Var(target - predicted) / Var(target)`` as a device scalar (NaN when the target
    is constant)."""
    target_var = target.var()
    ratio = (target - predicted).var() / target_var
    return torch.where(target_var > 0, 1.0 - ratio, torch.full_like(ratio, float("nan")))
