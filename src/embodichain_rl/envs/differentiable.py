"""``DifferentiableEnv``: the contract an env opts into so a learner can backpropagate a
return through its dynamics (analytic policy gradients, APG).

An env that subclasses :class:`DifferentiableEnv` keeps every rule of
:class:`~embodichain_rl.envs.base.EmbodiedEnv` and adds:

- ``differentiable_step(action)``: the same transition as ``step`` (same values, same
  auto-reset), but run with autograd on. The returned observation, ``reward`` and
  ``info["final_obs"]`` are differentiable functions of ``action`` and of the state the step
  started from, which is itself a function of every action since the last
  ``detach_state`` (or reset). ``terminated`` / ``truncated`` are booleans: they carry no
  gradient, and neither does a reward term that only depends on them (a success bonus).
- Auto-reset and gradients: a finished env's state is replaced by a freshly sampled one,
  which is a constant. Its next observation therefore has no gradient path to the finished
  episode, and gradients never cross an episode boundary; the terminal observation keeps
  its gradient in ``info["final_obs"]`` and the terminal reward keeps its own.
- ``detach_state()``: the truncated-backpropagation boundary. It cuts the graph held by
  the internal state without changing a single value, and returns the current observation
  (detached). A learner calls it between segments so memory stays bounded by one segment.
- ``info["rewards"]`` and ``info["metrics"]`` are detached (they are for logging).
- ``step`` is ``differentiable_step`` under ``torch.no_grad()`` after a ``detach_state``,
  so collecting data, evaluating and exporting cost nothing extra and never hold a graph.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

import torch

from embodichain_rl.envs.base import EmbodiedEnv, StepResult


class DifferentiableEnv(EmbodiedEnv):
    """A batched env whose step keeps the autograd graph (see the module docstring)."""

    @abstractmethod
    def differentiable_step(self, action: torch.Tensor) -> StepResult:
        """Advance every env one step with autograd on (auto-resetting finished ones)."""

    @abstractmethod
    def detach_state(self) -> torch.Tensor:
        """Cut the graph held by the internal state (values unchanged); returns the current
        observation, detached."""

    def step(self, action: torch.Tensor) -> StepResult:
        """``differentiable_step`` without a graph: no gradient reaches ``action``."""
        self.detach_state()
        with torch.no_grad():
            return self.differentiable_step(action)


def is_differentiable(env: Any) -> bool:
    """Whether ``env`` (an instance or a class) implements :class:`DifferentiableEnv`."""
    cls = env if isinstance(env, type) else type(env)
    return issubclass(cls, DifferentiableEnv)
