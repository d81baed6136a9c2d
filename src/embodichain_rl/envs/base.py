"""The batched-environment contract every embodichain_rl environment follows."""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
import torch

StepResult = tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, dict[str, Any]]

START_GROUP_OPTION = "start_group_size"
"""``reset(options={START_GROUP_OPTION: g})``: envs ``i`` and ``j`` with ``i // g == j // g``
start the same episodes (the k-th episode of each, this reset's and the auto-resets' after
it, until the next reset) from the same initial state; groups differ. Only envs with
``supports_start_groups`` accept it."""


def start_group_size(options: dict[str, Any] | None, env: EmbodiedEnv) -> int:
    """The start-group size ``reset`` was asked for (1 when absent); a value that is not a
    positive divisor of ``env.num_envs``, or any value on an env without start groups, raises
    ``ValueError`` naming it."""
    size = (options or {}).get(START_GROUP_OPTION)
    if size is None:
        return 1
    name = type(env).__name__
    if not env.supports_start_groups:
        raise ValueError(f"{name} has no shared episode starts ({START_GROUP_OPTION})")
    if isinstance(size, bool) or not isinstance(size, int) or size < 1 or env.num_envs % size:
        raise ValueError(
            f"{name}: {START_GROUP_OPTION} must be a positive divisor of num_envs="
            f"{env.num_envs}, got {size!r}"
        )
    return size


def group_episode_counters(episode: torch.Tensor, group: int) -> torch.Tensor:
    """Per-env episode counters ``[N]`` for a reset of every env into groups of ``group``:
    each group's largest counter plus one, for all of its envs (plain ``episode + 1`` when
    ``group`` is 1), so the envs of a group draw the same next start; no host sync."""
    latest = episode.view(-1, group).amax(dim=1, keepdim=True) + 1
    return latest.expand(-1, group).reshape(-1)


def batch_box(space: gym.spaces.Box, num_envs: int) -> gym.spaces.Box:
    """Stack a single-env ``Box`` into the ``[num_envs, ...]`` batched ``Box``."""
    low = np.broadcast_to(space.low, (num_envs, *space.shape))
    high = np.broadcast_to(space.high, (num_envs, *space.shape))
    return gym.spaces.Box(low=low.copy(), high=high.copy(), dtype=space.dtype)


class EmbodiedEnv(ABC):
    """A batch of ``num_envs`` environments stepped together as torch tensors on one device.

    Contract (see docs/architecture.md):

    - ``reset(seed=None, options=None) -> (obs, info)``; ``obs`` is float32 ``[num_envs, D]``
      (a ``Box`` single space), or a dict of tensors ``[num_envs, *shape]`` (a ``Dict`` single
      space of ``Box`` entries: images ``uint8 [C, H, W]``, vectors float32 ``[D]``; see
      :mod:`embodichain_rl.utils.observations`).
    - ``step(action) -> (obs, reward, terminated, truncated, info)``; ``reward`` is float32
      ``[num_envs]``, ``terminated`` / ``truncated`` are bool ``[num_envs]`` and kept apart.
    - Finished envs reset inside ``step``; ``obs`` is then the first observation of the new
      episode and ``info["final_obs"]`` holds, for every env, the observation the step
      produced before any reset (equal to ``obs`` where nothing finished).
    - ``info["rewards"]``: per-term weighted reward tensors ``[num_envs]`` summing to ``reward``.
    - ``info["metrics"]``: per-env diagnostics ``[num_envs]``, ``success`` (bool) included.
    - Actions outside ``single_action_space`` are clipped by the env, never rejected.

    Every tensor lives on ``self.device``; nothing in ``step`` synchronises with the host.
    Subclasses take keyword-only ``num_envs``, ``device`` and ``max_episode_steps`` (the time
    limit after which ``truncated`` fires; ``make_env`` passes the registered one).
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["rgb_array"], "render_fps": 25}

    num_envs: int
    device: torch.device
    single_observation_space: gym.spaces.Box | gym.spaces.Dict
    single_action_space: gym.spaces.Box
    max_episode_steps: int | None = None
    supports_start_groups: ClassVar[bool] = False
    """True when ``reset`` accepts ``options={START_GROUP_OPTION: g}`` (groups of ``g``
    consecutive envs sharing their episode starts; GRPO's ``shared_starts``)."""
    control_steps_per_step: int = 1
    """Control (simulator) steps one ``step`` call executes: the chunk length of an env whose
    action is a chunk of sub-actions (``PushCubeLanguage``'s ``action_chunk``), else 1. The
    trainer counts env steps in control steps."""
    truncates_only_at_time_limit: ClassVar[bool] = False
    """True when ``truncated`` fires only where an episode reaches ``max_episode_steps``
    (never for another reason), so each env truncates at most once per ``max_episode_steps``
    steps; PPO then bootstraps from a fixed-size gather of the time-limited rows."""

    @property
    def observation_space(self) -> gym.spaces.Box | gym.spaces.Dict:
        """Batched observation space ``[num_envs, D]`` (each key batched for a dict env)."""
        space = self.single_observation_space
        if isinstance(space, gym.spaces.Dict):
            return gym.spaces.Dict(
                {key: batch_box(sub, self.num_envs) for key, sub in space.spaces.items()}
            )
        return batch_box(space, self.num_envs)

    @property
    def action_space(self) -> gym.spaces.Box:
        """Batched action space ``[num_envs, A]``."""
        return batch_box(self.single_action_space, self.num_envs)

    @property
    def obs_dim(self) -> int:
        """Length of one flat observation vector (a dict env's vectors and images, flattened,
        summed: a size for logs, not an input width)."""
        space = self.single_observation_space
        if isinstance(space, gym.spaces.Dict):
            return sum(int(np.prod(sub.shape)) for sub in space.spaces.values())
        return int(np.prod(space.shape))

    @property
    def action_dim(self) -> int:
        """Length of one flat action vector."""
        return int(np.prod(self.single_action_space.shape))

    @abstractmethod
    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[torch.Tensor, dict[str, Any]]:
        """Reset every env; a seed makes the whole batch reproducible."""

    @abstractmethod
    def step(self, action: torch.Tensor) -> StepResult:
        """Advance every env by one control step (auto-resetting finished ones)."""

    def render(self, env_index: int = 0) -> np.ndarray:
        """Return an RGB ``uint8`` frame ``[H, W, 3]`` of env ``env_index`` (headless)."""
        raise NotImplementedError(f"{type(self).__name__} does not render")

    def close(self) -> None:  # noqa: B027 - optional hook, no-op by default
        """Release resources held by the env."""

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to continue the current episodes exactly (seed, episode
        counters, simulator state) as tensors and plain values; ``{}`` when the env cannot
        save its state (then a resumed run restarts its episodes)."""
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:  # noqa: B027 - optional hook
        """Restore what ``state_dict`` returned (no-op by default)."""

    def __enter__(self) -> EmbodiedEnv:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def grad_free() -> contextlib.AbstractContextManager[None]:
    """The context an env computes a step or reset in: ``torch.inference_mode`` in eager code
    (no autograd bookkeeping: about 10 % of a PushCube step on a CPU), ``torch.no_grad`` while
    ``torch.compile`` traces the step (Dynamo cannot trace inference tensors). Hand the
    results to the caller through :func:`ordinary_tensors`."""
    if torch.compiler.is_compiling():
        return torch.no_grad()
    return torch.inference_mode()


def ordinary_tensors(tree: Any) -> Any:
    """``tree`` (tensors in tuples, lists and dicts) with every inference tensor replaced by
    an ordinary copy, so that callers may use an env's outputs anywhere, autograd included
    (an inference tensor cannot be saved for backward). A copy per output costs microseconds;
    the env's own state stays in inference tensors, changed only under :func:`grad_free`."""
    if isinstance(tree, torch.Tensor):
        return tree.clone() if torch.is_inference(tree) else tree
    if isinstance(tree, dict):
        return {key: ordinary_tensors(value) for key, value in tree.items()}
    if isinstance(tree, (tuple, list)):
        return type(tree)(ordinary_tensors(value) for value in tree)
    return tree
