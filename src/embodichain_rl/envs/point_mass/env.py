"""``PointMassEnv`` (``PointMassRL``): a damped 2-D point mass steered to a goal past two
obstacle discs, batched in pure PyTorch and differentiable end to end."""

from __future__ import annotations

from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
import torch

from embodichain_rl.envs.base import (
    StepResult,
)
from embodichain_rl.envs.differentiable import DifferentiableEnv
from embodichain_rl.envs.episode_seeds import SeededEpisodes
from embodichain_rl.envs.point_mass.config import PointMassConfig
from embodichain_rl.envs.point_mass.dynamics import integrate, penetration, reward_terms
from embodichain_rl.envs.point_mass.render import render_frame
from embodichain_rl.envs.point_mass.resets import sample_starts
from embodichain_rl.envs.registry import register_env
from embodichain_rl.envs.tensor_state import load_tensors, save_tensors

OBS_DIM = 14
"""position 2, velocity 2, goal 2, last action 2, obstacle centres 4, obstacle radii 2."""


@register_env("PointMassRL", max_episode_steps=100)
class PointMassEnv(SeededEpisodes, DifferentiableEnv):
    """EmbodiChain's PointMass task (see ``docs/apg.md``): observation ``[N, 14]``, action
    ``[N, 2]`` in [-1, 1] (force per axis), success when the goal is closer than
    ``success_threshold`` (terminates). Implements :class:`DifferentiableEnv` by
    construction, and start groups (``reset(options={"start_group_size": g})``, GRPO's
    ``shared_starts``). Keyword-only: ``num_envs``, ``device``, ``max_episode_steps``,
    ``cfg`` (a :class:`PointMassConfig`) and any config field as an override.
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
        max_episode_steps: int | None = 100,
        cfg: PointMassConfig | None = None,
        **overrides: Any,
    ) -> None:
        self.cfg = (cfg if cfg is not None else PointMassConfig()).replace(**overrides)
        self.num_envs = int(num_envs)
        self.device = torch.device(device)
        self.max_episode_steps = max_episode_steps
        self.single_observation_space = gym.spaces.Box(-np.inf, np.inf, (OBS_DIM,), np.float32)
        self.single_action_space = gym.spaces.Box(-1.0, 1.0, (2,), dtype=np.float32)
        self._init_episode_seeds()
        self._start_episodes()

    # ----------------------------------------------------------------------------- resets
    def _start_episodes(self) -> None:
        """Load fresh episodes into every env for the current episode counters."""
        fresh = sample_starts(self.cfg, self._seed_key, self._start_stream, self._episode)
        zeros = torch.zeros(self.num_envs, 2, device=self.device)
        self.position, self.goal = fresh["position"], fresh["goal"]
        self.obstacles, self.radii = fresh["obstacles"], fresh["radii"]
        self.velocity, self.last_action = zeros, zeros.clone()
        self.elapsed = torch.zeros(self.num_envs, dtype=torch.int64, device=self.device)
        self.path_length = torch.zeros(self.num_envs, device=self.device)
        self.collisions = torch.zeros(self.num_envs, device=self.device)

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[torch.Tensor, dict[str, Any]]:
        """Reset every env; ``seed`` restarts the per-env episode counters, else they advance
        (each group's to its latest plus one). ``options={"start_group_size": g}``: groups of
        ``g`` consecutive envs share their starts until the next reset (see ``envs.base``)."""
        with torch.no_grad():
            self._restart_episodes(seed, options)
            self._start_episodes()
            return self._observe(), {}

    def _auto_reset(self, done: torch.Tensor) -> None:
        """Swap fresh (constant, gradient-free) episodes into finished envs, no host sync."""
        self._episode = self._episode + done.to(torch.int64)
        fresh = sample_starts(self.cfg, self._seed_key, self._start_stream, self._episode)
        col = done[:, None]
        self.position = torch.where(col, fresh["position"], self.position)
        self.velocity = torch.where(col, 0.0, self.velocity)
        self.last_action = torch.where(col, 0.0, self.last_action)
        self.goal = torch.where(col, fresh["goal"], self.goal)
        self.obstacles = torch.where(done[:, None, None], fresh["obstacles"], self.obstacles)
        self.radii = torch.where(col, fresh["radii"], self.radii)
        self.elapsed = torch.where(done, 0, self.elapsed)
        self.path_length = torch.where(done, 0.0, self.path_length)
        self.collisions = torch.where(done, 0.0, self.collisions)

    # ------------------------------------------------------------------------------ step
    def differentiable_step(self, action: torch.Tensor) -> StepResult:
        """One step with autograd on (see :class:`DifferentiableEnv` for the gradients)."""
        cfg = self.cfg
        action = torch.as_tensor(action, dtype=torch.float32, device=self.device).clamp(-1, 1)
        previous = self.position
        position, velocity = integrate(self.position, self.velocity, action, cfg)
        depth = penetration(position, self.obstacles, self.radii)
        distance = (position - self.goal).norm(dim=-1).detach()
        self.elapsed = self.elapsed + 1
        terminated = distance < cfg.success_threshold
        truncated = torch.zeros_like(terminated)
        if self.max_episode_steps is not None:
            truncated = (self.elapsed >= self.max_episode_steps) & ~terminated
        terms = reward_terms(
            position=position,
            velocity=velocity,
            action=action,
            last_action=self.last_action,
            goal=self.goal,
            depth=depth,
            success=terminated,
            cfg=cfg,
        )
        reward = torch.stack(list(terms.values())).sum(0)
        collided = (depth.detach() > 0).any(dim=-1)
        self.path_length = self.path_length + (position - previous).detach().norm(dim=-1)
        self.collisions = self.collisions + collided.float()
        metrics = {
            "success": terminated,
            "distance_to_goal": distance,
            "path_length": self.path_length,
            "collisions": self.collisions,
            "collided": collided,
        }
        self.position, self.velocity, self.last_action = position, velocity, action
        final_obs = self._observe()
        self._auto_reset(terminated | truncated)
        info = {
            "final_obs": final_obs,
            "rewards": {name: term.detach() for name, term in terms.items()},
            "metrics": metrics,
        }
        return self._observe(), reward, terminated, truncated, info

    def detach_state(self) -> torch.Tensor:
        """Cut the graph of position, velocity and last action; returns the observation."""
        self.position = self.position.detach()
        self.velocity = self.velocity.detach()
        self.last_action = self.last_action.detach()
        return self._observe()

    def _observe(self) -> torch.Tensor:
        return torch.cat(
            (
                self.position,
                self.velocity,
                self.goal,
                self.last_action,
                self.obstacles.reshape(self.num_envs, -1),
                self.radii,
            ),
            dim=-1,
        )

    # ---------------------------------------------------------------------------- output
    def render(self, env_index: int = 0) -> np.ndarray:
        """Top-down RGB ``uint8 [H, W, 3]`` frame of one env (numpy only)."""
        i = int(env_index)
        return render_frame(
            half=self.cfg.workspace_half,
            threshold=self.cfg.success_threshold,
            position=self.position[i].detach().cpu().numpy(),
            goal=self.goal[i].cpu().numpy(),
            obstacles=self.obstacles[i].cpu().numpy(),
            radii=self.radii[i].cpu().numpy(),
        )

    # ----------------------------------------------------------------------------- state
    _STATE_KEYS = (
        "_seed_key",
        "_episode",
        "_start_stream",
        "position",
        "velocity",
        "last_action",
        "goal",
        "obstacles",
        "radii",
        "elapsed",
        "path_length",
        "collisions",
    )

    def state_dict(self) -> dict[str, Any]:
        """Seed key, per-env episode counters and start streams (the start groups), and the
        full state (detached copies)."""
        return save_tensors(self, self._STATE_KEYS)

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Continue exactly where ``state_dict`` was taken; every key and shape must match."""
        load_tensors(self, self._STATE_KEYS, state)

    def __repr__(self) -> str:
        return f"PointMassEnv(num_envs={self.num_envs}, device={self.device})"
