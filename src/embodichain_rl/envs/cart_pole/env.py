"""``CartPoleEnv``: keep a pole upright on a PD-driven cart, batched in pure PyTorch."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
import torch

from embodichain_rl.envs.base import (
    EmbodiedEnv,
    StepResult,
)
from embodichain_rl.envs.cart_pole.config import CartPoleConfig
from embodichain_rl.envs.cart_pole.dynamics import CartPoleParams, integrate
from embodichain_rl.envs.cart_pole.render import render_frame
from embodichain_rl.envs.cart_pole.resets import StartSampler
from embodichain_rl.envs.cart_pole.task import OBSERVATION_TERMS, observe, step_outcome
from embodichain_rl.envs.episode_seeds import SeededEpisodes
from embodichain_rl.envs.registry import register_env
from embodichain_rl.envs.tensor_state import load_tensors, save_tensors

logger = logging.getLogger(__name__)


@register_env("CartPoleRL", max_episode_steps=500)
class CartPoleEnv(SeededEpisodes, EmbodiedEnv):
    """Balance a pole on a cart whose slider target the agent shifts each step.

    See ``docs/cart_pole.md`` for observations, actions, rewards, termination and success.
    Keyword-only: ``num_envs``, ``device``, ``max_episode_steps``, ``cfg`` (a
    :class:`CartPoleConfig`) and any config field as an override.
    """

    truncates_only_at_time_limit: ClassVar[bool] = True
    """``truncated`` is ``elapsed >= max_episode_steps`` (and not terminated), nothing else."""
    supports_start_groups: ClassVar[bool] = True
    """``reset(options={"start_group_size": g})`` gives groups of ``g`` envs shared starts."""

    def __init__(
        self,
        *,
        num_envs: int = 1,
        device: str | torch.device = "cpu",
        max_episode_steps: int | None = 500,
        cfg: CartPoleConfig | None = None,
        **overrides: Any,
    ) -> None:
        self.cfg = (cfg if cfg is not None else CartPoleConfig()).replace(**overrides)
        self.num_envs = int(num_envs)
        self.device = torch.device(device)
        self.max_episode_steps = max_episode_steps
        self.single_observation_space = gym.spaces.Box(
            -np.inf, np.inf, (len(OBSERVATION_TERMS),), dtype=np.float32
        )
        self.single_action_space = gym.spaces.Box(-1.0, 1.0, (1,), dtype=np.float32)
        self.params = CartPoleParams.from_config(self.cfg)
        self._starts = StartSampler.build(self.cfg, self.device)
        self._init_episode_seeds()
        self._load(self._sample(self._episode))
        self.elapsed = torch.zeros(self.num_envs, dtype=torch.int64, device=self.device)
        logger.debug("CartPoleEnv: %d envs on %s", self.num_envs, self.device)

    # ----------------------------------------------------------------------------- resets
    def _sample(self, episode: torch.Tensor) -> dict[str, torch.Tensor]:
        """Fresh start states of every env for the given per-env episode counters."""
        return self._starts(self._seed_key, self._start_stream, episode)

    def _load(self, fresh: dict[str, torch.Tensor]) -> None:
        self.qpos = fresh["qpos"]
        self.qvel = fresh["qvel"]

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[torch.Tensor, dict[str, Any]]:
        """Reset every env; ``seed`` restarts the per-env episode counters, else they advance
        (each group's to its latest plus one). ``options={"start_group_size": g}``: groups of
        ``g`` consecutive envs share their starts until the next reset (see ``envs.base``)."""
        with torch.no_grad():
            self._restart_episodes(seed, options)
            self._load(self._sample(self._episode))
            self.elapsed.zero_()
            return self._observe(), {}

    # ------------------------------------------------------------------------------ step
    def step(self, action: torch.Tensor) -> StepResult:
        """Advance every env one control step; finished envs auto-reset (see the base class)."""
        with torch.no_grad():
            return self._step(action)

    def _step(self, action: torch.Tensor) -> StepResult:
        cfg = self.cfg
        action = torch.as_tensor(action, dtype=torch.float32, device=self.device)
        push = action.reshape(self.num_envs, -1)[:, 0].clamp(-1.0, 1.0)
        # EmbodiChain's delta-qpos term: each drive's target is the joint's position when the
        # step begins, plus the scaled action on the slider (the pole joint gets none).
        target = torch.stack((self.qpos[:, 0] + cfg.action_scale * push, self.qpos[:, 1]), -1)
        self.qpos, self.qvel = integrate(
            self.qpos, self.qvel, target, self.params, cfg.sim_substeps
        )
        self.elapsed = self.elapsed + 1
        outcome = step_outcome(
            qpos=self.qpos,
            qvel=self.qvel,
            elapsed=self.elapsed,
            max_episode_steps=self.max_episode_steps,
            cfg=cfg,
        )
        final_obs = self._observe()
        self._auto_reset(outcome.terminated | outcome.truncated)
        info = {"final_obs": final_obs, "rewards": outcome.terms, "metrics": outcome.metrics}
        return self._observe(), outcome.reward, outcome.terminated, outcome.truncated, info

    def _auto_reset(self, done: torch.Tensor) -> None:
        """Swap fresh start states into finished envs with ``torch.where`` (no host sync)."""
        self._episode = self._episode + done.to(torch.int64)
        fresh = self._sample(self._episode)
        col = done[:, None]
        self.qpos = torch.where(col, fresh["qpos"], self.qpos)
        self.qvel = torch.where(col, fresh["qvel"], self.qvel)
        self.elapsed = torch.where(done, 0, self.elapsed)

    def _observe(self) -> torch.Tensor:
        return observe(self.qpos, self.qvel, self.cfg)

    # ---------------------------------------------------------------------------- output
    def render(self, env_index: int = 0) -> np.ndarray:
        """Side-view RGB ``uint8 [H, W, 3]`` frame of one env (headless, PIL only)."""
        state = self.qpos[int(env_index)].detach().cpu().tolist()
        return render_frame(cfg=self.cfg, cart=state[0], angle=state[1])

    def close(self) -> None:
        """Nothing to release: the env is plain tensors."""

    # ----------------------------------------------------------------------------- state
    _STATE_KEYS = ("_seed_key", "_episode", "_start_stream", "qpos", "qvel", "elapsed")

    def state_dict(self) -> dict[str, Any]:
        """Seed key, per-env episode counters, start groups and the joint state (copies)."""
        return save_tensors(self, self._STATE_KEYS)

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Continue exactly where ``state_dict`` was taken; every key and shape must match."""
        load_tensors(self, self._STATE_KEYS, state)

    def __repr__(self) -> str:
        return f"CartPoleEnv(num_envs={self.num_envs}, device={self.device})"
