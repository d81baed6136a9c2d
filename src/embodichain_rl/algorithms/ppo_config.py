"""``PPOConfig``: every PPO hyperparameter and its default, documented and range-checked.

This dataclass is the one place PPO's defaults are written: ``PPO(**hyperparameters)``
builds it, and the Hydra ``algorithm=ppo`` schema subclasses it (``conf/algorithm/ppo.yaml``
holds only deliberate overrides). The defaults are the values tuned for the wall-clock time
to solve PushCube on a 2-core CPU (the Optuna sweep ``+sweep=ppo_push_cube_fast``,
docs/benchmarks.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from embodichain_rl.algorithms.optim.algorithm_fields import OptimizerFields


@dataclass
class _PPOKeys:
    """PPO's own hyperparameters; ``PPOConfig`` puts the optimiser and schedule keys
    after them."""

    learning_rate: float = 2.2e-3
    """Optimiser step size at the first update, > 0 (the older key of
    optimizer.learning_rate, which sets it when given)."""
    n_epochs: int = 4
    """Passes over each rollout per update (>= 1)."""
    num_minibatches: int | None = 8
    """Minibatches per epoch, in [1, num_steps * num_envs] (the minibatch size follows the
    rollout); null to give batch_size instead. Exactly one of the two is set."""
    batch_size: int | None = None
    """Minibatch size in samples, in [1, num_steps * num_envs] (EmbodiChain's key); a
    partial last minibatch is dropped. Set it with num_minibatches=null."""
    gamma: float = 0.956
    """Discount factor per env step, in [0, 1]."""
    gae_lambda: float = 0.9
    """GAE bias/variance trade-off λ, in [0, 1] (1 = Monte-Carlo returns)."""
    clip_coef: float = 0.11
    """Surrogate (and optional value) clipping range ε, > 0 (typ. 0.1-0.3)."""
    ent_coef: float = 0.0
    """Weight of the entropy bonus, >= 0."""
    vf_coef: float = 0.5
    """Weight of the value loss, >= 0."""
    max_grad_norm: float | None = 0.5
    """Global L2 gradient-norm clip, > 0; null disables clipping."""
    clip_value_loss: bool = False
    """Also clip the value prediction to within clip_coef of the rollout value."""
    normalize_advantage: bool = True
    """Standardise advantages once per rollout (over all T*N samples) before the epochs."""
    target_kl: float | None = None
    """Stop the epochs early once an epoch's mean approx-KL exceeds this, > 0; null: never."""
    normalize_reward: bool = True
    """Divide rewards by the running std of the discounted return (SB3 VecNormalize's
    definition: per env, reset at episode ends); logged and evaluated returns stay raw."""
    reward_clip: float | None = 10.0
    """Clamp scaled rewards to [-reward_clip, reward_clip], > 0; null: no clamp (only with
    normalize_reward)."""
    normalize_value: bool = False
    """Train the critic on standardised returns (running mean/std of the value targets,
    updated once per update) and de-standardise its output for GAE and bootstrapping."""
    adam_eps: float = 1e-5
    """Denominator epsilon of adam/adamw/rmsprop, > 0 (the older key of optimizer.eps,
    which sets it when given)."""
    seed: int | None = None
    """Seed of the device generator that shuffles minibatches (null: the run's seed, else 0)."""


@dataclass
class PPOConfig(OptimizerFields, _PPOKeys):
    """Every PPO hyperparameter (the Hydra ``algorithm`` schema reuses this class): its own
    keys, then ``optimizer``, ``lr_schedule``, ``total_updates`` and ``lr_scheduler``."""

    def validate(self) -> None:
        """Raise ``ValueError`` naming every out-of-range hyperparameter."""
        problems = _minibatch_problems(self.num_minibatches, self.batch_size)
        if not self.learning_rate > 0:
            problems.append(f"learning_rate must be > 0, got {self.learning_rate}")
        if self.n_epochs < 1:
            problems.append(f"n_epochs must be >= 1, got {self.n_epochs}")
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
        problems += self.schedule_problems()
        if self.target_kl is not None and not self.target_kl > 0:
            problems.append(f"target_kl must be > 0 or null, got {self.target_kl}")
        if self.reward_clip is not None and not self.reward_clip > 0:
            problems.append(f"reward_clip must be > 0 or null, got {self.reward_clip}")
        if not self.adam_eps > 0:
            problems.append(f"adam_eps must be > 0, got {self.adam_eps}")
        self.raise_problems(problems)

    def minibatch_size(self, num_steps: int, num_envs: int) -> int:
        """Samples per minibatch of a ``num_steps`` x ``num_envs`` rollout."""
        return minibatch_size(self.num_minibatches, self.batch_size, num_steps, num_envs)


def _minibatch_problems(num_minibatches: int | None, batch_size: int | None) -> list[str]:
    if (num_minibatches is None) == (batch_size is None):
        state = "both are set" if num_minibatches is not None else "both are null"
        return [
            "set exactly one of num_minibatches (minibatches per epoch) and batch_size "
            f"(minibatch size in samples), {state}: e.g. set algorithm.num_minibatches=null "
            "to use batch_size"
        ]
    if num_minibatches is not None and num_minibatches < 1:
        return [f"num_minibatches must be >= 1 or null, got {num_minibatches}"]
    if batch_size is not None and batch_size < 1:
        return [f"batch_size must be >= 1 or null, got {batch_size}"]
    return []


def minibatch_size(
    num_minibatches: int | None, batch_size: int | None, num_steps: int, num_envs: int
) -> int:
    """Samples per minibatch of a ``num_steps`` x ``num_envs`` rollout: ``batch_size`` when
    given, else ``num_steps * num_envs // num_minibatches``; raises ``ValueError`` when the
    rollout is too small for it."""
    problems = _minibatch_problems(num_minibatches, batch_size)
    if problems:
        raise ValueError("invalid PPO config: " + problems[0])
    samples = num_steps * num_envs
    rollout = f"the rollout's num_steps*num_envs = {num_steps}*{num_envs} = {samples} samples"
    if num_minibatches is not None:
        if num_minibatches > samples:
            raise ValueError(
                f"PPO num_minibatches={num_minibatches} exceeds {rollout}: lower "
                "algorithm.num_minibatches, or collect more (env.num_envs, runtime.rollout_steps)"
            )
        return samples // num_minibatches
    assert batch_size is not None
    if batch_size > samples:
        raise ValueError(f"PPO batch_size={batch_size} (minibatch size) exceeds {rollout}")
    return batch_size
