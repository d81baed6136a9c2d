"""The interface the trainer drives: collect a rollout, then update from it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar

import torch

from embodichain_rl.buffer import RolloutBuffer
from embodichain_rl.envs.base import EmbodiedEnv
from embodichain_rl.policies.base import Policy
from embodichain_rl.utils.observations import Observation, ObservationLayout

StepCallback = Callable[[torch.Tensor, torch.Tensor, torch.Tensor, dict[str, Any]], None]
"""``on_step(reward, terminated, truncated, info)`` with the env's raw step outputs."""

DISCARDED_EPISODES_KEY = "discarded_episodes"
"""Optional ``info`` entry an algorithm adds for ``on_step``: a bool ``[N]`` marking envs
whose unfinished episode it cut off with a reset before this step (so episode statistics
start these envs' sums afresh instead of merging two episodes)."""


def unsupported_compile_mode(algorithm: str, mode: str, supported: tuple[str, ...]) -> str:
    """The one line that refuses ``runtime.compile=mode`` for ``algorithm``."""
    if supported == ("none",):
        return (
            f"runtime.compile={mode}: {algorithm} has no compiled fast path; "
            "use runtime.compile=none"
        )
    return f"runtime.compile={mode}: {algorithm} supports runtime.compile in {list(supported)}"


class BaseAlgorithm(ABC):
    """An on-policy learner owning a policy, its optimiser and a rollout buffer.

    One trainer iteration is ``obs = collect_rollout(env, obs, on_step)`` then
    ``metrics = update()``. Everything lives on ``device``; ``update`` returns scalar
    tensors still on the device so the trainer reads them with one host copy.
    """

    policy: Policy
    device: torch.device
    buffer: RolloutBuffer | None

    compile_modes: ClassVar[tuple[str, ...]] = ("none",)
    """The ``runtime.compile`` values this learner runs (checked before a run starts)."""
    accepts_dict_observations: ClassVar[bool] = False
    """Whether this learner takes dict observations (camera images and named vectors);
    one that does not is refused on such an env before anything is built."""

    def initialize_buffer(
        self, num_steps: int, num_envs: int, obs_dim: ObservationLayout, action_dim: int
    ) -> None:
        """Allocate the ``[num_steps, num_envs, ...]`` rollout buffer on ``device``, its
        actions in the policy's ``action_dtype``."""
        self.buffer = RolloutBuffer(
            num_steps=num_steps,
            num_envs=num_envs,
            obs_dim=obs_dim,
            action_dim=action_dim,
            device=self.device,
            action_dtype=self.policy.action_dtype,
        )

    def _require_buffer(self) -> RolloutBuffer:
        if getattr(self, "buffer", None) is None:
            raise RuntimeError(
                f"{type(self).__name__}: call initialize_buffer(num_steps, num_envs, "
                "obs_dim, action_dim) before collecting or updating"
            )
        assert self.buffer is not None
        return self.buffer

    @abstractmethod
    def collect_rollout(
        self, env: EmbodiedEnv, obs: Observation, on_step: StepCallback | None = None
    ) -> Observation:
        """Run ``num_steps`` env steps from ``obs`` (no gradients), fill the buffer, call
        ``on_step`` after every step, and return the observation to continue from."""

    @abstractmethod
    def update(self) -> dict[str, torch.Tensor]:
        """Learn from the filled buffer; return scalar metric tensors (on ``device``)."""

    def use_compile(self, mode: str) -> None:
        """Run the hot functions as ``runtime.compile`` says (see
        :data:`embodichain_rl.utils.compile.COMPILE_MODES`); an algorithm without a fast
        path accepts only ``"none"`` (its ``compile_modes``)."""
        if mode not in self.compile_modes:
            raise ValueError(
                unsupported_compile_mode(type(self).__name__, mode, self.compile_modes)
            )

    def state_dict(self) -> dict[str, Any]:
        """Optimiser, schedule and RNG state for resuming (the policy is saved separately)."""
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:  # noqa: B027 - optional hook
        """Restore what ``state_dict`` returned."""

    def rank_local_state(self) -> dict[str, Any]:
        """Entries of ``state_dict`` that belong to this data-parallel rank alone (its random
        streams): a rank other than 0 resumes them from its own current values instead of
        rank 0's checkpoint, so the ranks keep drawing different samples."""
        return {}
