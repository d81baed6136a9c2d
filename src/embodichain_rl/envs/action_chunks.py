"""Action chunks: one decision executes ``H`` sub-actions open-loop, scored as one step.

A chunked env's action is ``[N, H * A]``: ``H`` sub-actions of ``A`` each, executed one after
the other by the env's one-step function. :func:`run_chunk` turns the ``H`` sub-steps into one
:data:`~embodichain_rl.envs.base.StepResult` with these semantics (``j_done``: an env's first
sub-step that ended its episode, terminated or truncated; ``gamma``: the chunk discount):

- ``reward = sum_{j <= j_done} gamma**j * r_j`` (all ``H`` sub-steps where nothing ended);
  ``info["rewards"]`` holds each term discounted the same way, so they still sum to it;
- after ``j_done`` the env gets the ZERO sub-action (the new episode's robot holds still) and
  the rewards and dones of those sub-steps are ignored for this decision;
- ``terminated``, ``truncated``, ``info["final_obs"]`` and ``info["metrics"]`` are those of
  sub-step ``j_done`` for envs that finished, of the last sub-step otherwise;
- the returned observation is the one after all ``H`` sub-steps;
- ``info["chunk_steps"]`` (int64 ``[N]``): sub-steps that counted, ``j_done + 1`` or ``H``.

Everything is ``torch.where`` on device masks: no host sync, no branch on device values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from embodichain_rl.envs.base import StepResult
from embodichain_rl.utils.observations import Observation

SubAction = Callable[[int], torch.Tensor]
"""Sub-step index ``j`` -> the sub-action ``[N, A]`` wanted there (read before the step, so
a closed-loop controller sees the state the previous sub-step left)."""
OneStep = Callable[[torch.Tensor], StepResult]
"""The env's single control step (auto-resetting finished envs)."""


def _where(mask: torch.Tensor, new: Any, old: Any) -> Any:
    """``new`` where ``mask [N]`` else ``old``, for a tensor or a dict of tensors."""
    if isinstance(new, dict):
        return {key: _where(mask, value, old[key]) for key, value in new.items()}
    column = mask.view(-1, *([1] * (new.dim() - 1)))
    return torch.where(column, new, old)


def run_chunk(
    sub_action: SubAction, one_step: OneStep, horizon: int, discount: float
) -> tuple[torch.Tensor, StepResult]:
    """Execute ``horizon`` sub-steps as one decision (see the module docstring).

    Returns ``(actions [N, horizon * A], step result)``: the sub-actions actually commanded
    (zeros after an env's first done) and the chunk's result.
    """
    commanded: list[torch.Tensor] = []
    alive: torch.Tensor | None = None
    reward = terms = terminated = truncated = final_obs = metrics = steps = None
    obs: Observation | None = None
    for j in range(horizon):
        action = sub_action(j)
        if alive is not None:
            action = torch.where(alive[:, None], action, torch.zeros_like(action))
        commanded.append(action)
        obs, r, term, trunc, info = one_step(action)
        weight = discount**j
        if alive is None:  # the first sub-step counts for every env
            alive = torch.ones_like(term)
            reward = weight * r
            terms = {key: weight * value for key, value in info["rewards"].items()}
            terminated, truncated = term, trunc
            final_obs, metrics = info["final_obs"], info["metrics"]
            steps = torch.ones_like(r, dtype=torch.int64)
        else:
            gain = alive.to(r.dtype) * weight
            reward = reward + gain * r
            terms = {key: terms[key] + gain * value for key, value in info["rewards"].items()}
            terminated = _where(alive, term, terminated)
            truncated = _where(alive, trunc, truncated)
            final_obs = _where(alive, info["final_obs"], final_obs)
            metrics = _where(alive, info["metrics"], metrics)
            steps = steps + alive.to(torch.int64)
        alive = alive & ~(term | trunc)
    assert obs is not None and steps is not None, "a chunk has at least one sub-step"
    info = {"final_obs": final_obs, "rewards": terms, "metrics": metrics, "chunk_steps": steps}
    return torch.cat(commanded, dim=-1), (obs, reward, terminated, truncated, info)
