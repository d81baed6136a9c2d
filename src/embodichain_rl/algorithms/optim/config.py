"""The ``algorithm.optimizer`` and ``algorithm.lr_scheduler`` blocks: typed, documented and
range-checked (EmbodiChain's ``optimizer {name, learning_rate}`` and ``lr_scheduler {name,
kwargs}`` blocks; docs/optimizers.md maps one onto the other).

A knob left ``null`` in ``OptimizerConfig`` is not passed to PyTorch, so the optimiser keeps
PyTorch's own default (or the algorithm's older key where it has one: ``learning_rate``,
``adam_eps``, TD3's ``weight_decay``). A knob that does not apply to the chosen optimiser
must stay null: nothing is silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

OPTIMIZER_KNOBS: dict[str, tuple[str, ...]] = {
    "adam": ("eps", "betas", "weight_decay"),
    "adamw": ("eps", "betas", "weight_decay"),
    "sgd": ("weight_decay", "momentum", "nesterov"),
    "rmsprop": ("eps", "weight_decay", "momentum", "alpha"),
}
"""Valid ``optimizer.name`` values and the knobs each one takes (besides learning_rate)."""

LR_SCHEDULES = ("constant", "linear", "cosine", "step", "exponential", "adaptive")
"""Valid ``lr_schedule`` values (the schedule's name; its knobs are ``lr_scheduler.*``)."""

HORIZON_SCHEDULES = ("linear", "cosine")
"""Schedules that need ``total_updates`` (the trainer passes ``runtime.iterations``)."""


@dataclass
class OptimizerConfig:
    """``algorithm.optimizer``: which ``torch.optim`` optimiser and its knobs."""

    name: str = "adam"
    """One of adam, adamw, sgd, rmsprop (``algorithm/optimizer=NAME`` picks it)."""
    learning_rate: float | None = None
    """Step size, > 0; null: the algorithm's learning-rate key(s) (PPO: learning_rate;
    SAC/TD3: actor_/critic_learning_rate). Set, it wins and is written into them; an older
    key set to a different value as well is an error."""
    eps: float | None = None
    """Denominator epsilon of adam/adamw/rmsprop, > 0; null: PPO's adam_eps, else
    PyTorch's 1e-8."""
    betas: list[float] | None = None
    """Adam/AdamW moment decays [beta1, beta2], each in [0, 1); null: PyTorch's
    [0.9, 0.999]."""
    weight_decay: float | None = None
    """Weight decay, >= 0 (decoupled for adamw, L2 for the others); null: TD3's
    weight_decay, else PyTorch's (0; 0.01 for adamw)."""
    momentum: float | None = None
    """Momentum of sgd/rmsprop, >= 0; null: PyTorch's 0."""
    alpha: float | None = None
    """RMSprop's squared-gradient smoothing constant, in [0, 1); null: PyTorch's 0.99."""
    nesterov: bool = False
    """Nesterov momentum (sgd only; needs momentum > 0)."""

    def __post_init__(self) -> None:
        _raise("optimizer", self.problems())

    def problems(self) -> list[str]:
        """Messages for an unknown name, a knob it does not take, and out-of-range values."""
        if self.name not in OPTIMIZER_KNOBS:
            return [f"name must be one of {list(OPTIMIZER_KNOBS)}, got {self.name!r}"]
        knobs = OPTIMIZER_KNOBS[self.name]
        problems = [
            f"{knob} does not apply to {self.name} (it applies to "
            f"{', '.join(n for n, k in OPTIMIZER_KNOBS.items() if knob in k)}); leave it null"
            for knob in ("eps", "betas", "weight_decay", "momentum", "alpha", "nesterov")
            if knob not in knobs and _given(getattr(self, knob))
        ]
        problems += _range_problems(self)
        if self.nesterov and not (self.momentum or 0.0) > 0:
            problems.append(f"nesterov needs momentum > 0, got {self.momentum}")
        return problems

    def knobs(self) -> dict[str, object]:
        """The given (non-null) knobs as ``torch.optim`` keyword arguments."""
        kwargs: dict[str, object] = {
            knob: getattr(self, knob)
            for knob in OPTIMIZER_KNOBS[self.name]
            if _given(getattr(self, knob))
        }
        if "betas" in kwargs:
            kwargs["betas"] = tuple(self.betas or ())
        return kwargs


def _raise(block: str, problems: list[str]) -> None:
    """One ``ValueError`` naming every problem of ``block`` (nothing when empty)."""
    if problems:
        raise ValueError(f"invalid {block} config: " + "; ".join(problems))


def _given(value: object) -> bool:
    """Whether a knob was set (``None`` and ``nesterov=False`` mean not given)."""
    return value is not None and value is not False


def _range_problems(config: OptimizerConfig) -> list[str]:
    problems: list[str] = []
    for name in ("learning_rate", "eps"):
        value = getattr(config, name)
        if value is not None and not value > 0:
            problems.append(f"{name} must be > 0 or null, got {value}")
    for name in ("weight_decay", "momentum"):
        value = getattr(config, name)
        if value is not None and value < 0:
            problems.append(f"{name} must be >= 0 or null, got {value}")
    if config.alpha is not None and not 0.0 <= config.alpha < 1.0:
        problems.append(f"alpha must be in [0, 1) or null, got {config.alpha}")
    betas = config.betas
    if betas is not None and (len(betas) != 2 or not all(0.0 <= b < 1.0 for b in betas)):
        problems.append(f"betas must be two values in [0, 1) or null, got {list(betas)}")
    return problems


@dataclass
class LRSchedulerConfig:
    """``algorithm.lr_scheduler``: the knobs of the schedule ``algorithm.lr_schedule``
    names (``algorithm/lr_scheduler=NAME`` picks the name). The schedule moves once per
    ``update`` and multiplies every learning rate of the algorithm."""

    end_factor: float = 0.0
    """linear: fraction of the initial rate reached after total_updates updates, in [0, 1]
    (0: decays to zero)."""
    min_factor: float = 0.0
    """cosine: fraction of the initial rate the half cosine ends at (EmbodiChain's eta_min
    divided by the rate), in [0, 1]."""
    step_size: int = 10
    """step: updates between two multiplications by gamma, >= 1."""
    gamma: float = 0.99
    """step: factor every step_size updates; exponential: factor every update; in (0, 1]."""
    desired_kl: float = 0.01
    """adaptive: target mean approx-KL of an update, > 0 (rsl_rl's)."""
    factor: float = 1.5
    """adaptive: divide the rate by it above 2*desired_kl, multiply below desired_kl/2; > 1."""
    min_lr: float = 1e-5
    """adaptive: lower bound of the rate, > 0."""
    max_lr: float = 1e-2
    """adaptive: upper bound of the rate, >= min_lr."""

    def __post_init__(self) -> None:
        _raise("lr_scheduler", self.problems())

    def problems(self) -> list[str]:
        """Messages for every out-of-range knob."""
        problems = [
            f"{name} must be in [0, 1], got {getattr(self, name)}"
            for name in ("end_factor", "min_factor")
            if not 0.0 <= getattr(self, name) <= 1.0
        ]
        if self.step_size < 1:
            problems.append(f"step_size must be >= 1, got {self.step_size}")
        if not 0.0 < self.gamma <= 1.0:
            problems.append(f"gamma must be in (0, 1], got {self.gamma}")
        if not self.desired_kl > 0:
            problems.append(f"desired_kl must be > 0, got {self.desired_kl}")
        if not self.factor > 1:
            problems.append(f"factor must be > 1, got {self.factor}")
        if not self.min_lr > 0:
            problems.append(f"min_lr must be > 0, got {self.min_lr}")
        elif self.max_lr < self.min_lr:
            problems.append(f"max_lr must be >= min_lr ({self.min_lr}), got {self.max_lr}")
        return problems


def lr_schedule_problems(name: str, total_updates: int | None) -> list[str]:
    """Messages for an unknown ``lr_schedule`` and a bad ``total_updates``."""
    if name not in LR_SCHEDULES:
        return [f"lr_schedule must be one of {list(LR_SCHEDULES)}, got {name!r}"]
    if total_updates is not None and total_updates < 1:
        return [f"total_updates must be >= 1 or null, got {total_updates}"]
    return []
