"""``PushCubeEnv``: a UR10 pushes a cube to a goal disc, batched in pure PyTorch."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
import torch

from embodichain_rl.envs.base import (
    EmbodiedEnv,
    StepResult,
    grad_free,
    ordinary_tensors,
)
from embodichain_rl.envs.episode_seeds import SeededEpisodes
from embodichain_rl.envs.push_cube.config import PushCubeConfig
from embodichain_rl.envs.push_cube.contact import ContactParams, footprint, substep, top_clearance
from embodichain_rl.envs.push_cube.kinematics import tcp_position
from embodichain_rl.envs.push_cube.observations import ObservationLayout, build_observation
from embodichain_rl.envs.push_cube.outcome import StepOutcome, step_outcome
from embodichain_rl.envs.push_cube.pixel_obs import observation_space, pixel_observation
from embodichain_rl.envs.push_cube.pixels import CameraRenderer
from embodichain_rl.envs.push_cube.render import render_frame
from embodichain_rl.envs.push_cube.resets import StartSampler
from embodichain_rl.envs.push_cube.scripted import scripted_action
from embodichain_rl.envs.registry import register_env
from embodichain_rl.envs.tensor_state import load_tensors, save_tensors
from embodichain_rl.utils.observations import Observation

logger = logging.getLogger(__name__)

# Fractions of the commanded joint step tried, largest first, when the full step would put the
# TCP into the table or the cube top; the last (0) always holds.
JOINT_STEP_FRACTIONS = (1.0, 0.8, 0.6, 0.4, 0.25, 0.12, 0.05, 0.0)


@register_env("PushCubeRL", max_episode_steps=100)
class PushCubeEnv(SeededEpisodes, EmbodiedEnv):
    """Push a cube into a goal disc on a table with a UR10's spherical tool tip.

    See ``docs/push_cube.md`` for observations, actions, rewards and mechanics. Keyword-only:
    ``num_envs``, ``device``, ``max_episode_steps``, ``cfg`` (a :class:`PushCubeConfig`) and any
    config field as an override.
    """

    truncates_only_at_time_limit: ClassVar[bool] = True
    """``truncated`` is ``elapsed >= max_episode_steps`` (and not terminated), nothing else."""
    supports_start_groups: ClassVar[bool] = True
    """``reset(options={"start_group_size": g})`` gives groups of ``g`` envs shared starts."""
    config_class: ClassVar[type[PushCubeConfig]] = PushCubeConfig
    """The config dataclass built when no ``cfg`` is passed (a subclass task's own)."""

    def __init__(
        self,
        *,
        num_envs: int = 1,
        device: str | torch.device = "cpu",
        max_episode_steps: int | None = 100,
        cfg: PushCubeConfig | None = None,
        **overrides: Any,
    ) -> None:
        self.cfg = (cfg if cfg is not None else self.config_class()).replace(**overrides)
        self.num_envs = int(num_envs)
        self.device = torch.device(device)
        self.max_episode_steps = max_episode_steps
        self.joint_mode = self.cfg.control_mode == "joint_delta_pos"
        self.layout = ObservationLayout.for_mode(self.cfg.control_mode)
        self.robot_layout = ObservationLayout.robot_for_mode(self.cfg.control_mode)
        self.pixels = self.cfg.obs_mode != "state"
        self.single_observation_space = observation_space(self.cfg)
        action_dim = 6 if self.joint_mode else 3
        self.single_action_space = gym.spaces.Box(-1.0, 1.0, (action_dim,), dtype=np.float32)
        cfg = self.cfg
        self.params = ContactParams.build(
            half=cfg.cube_half_size,
            radius=cfg.tcp_radius,
            mass=cfg.cube_mass,
            mu_table=cfg.table_friction,
            mu_pusher=cfg.pusher_friction,
            gravity=cfg.gravity,
            dt=cfg.control_dt / cfg.sim_substeps,
        )
        self._build_constants()
        self._camera: CameraRenderer | None = None
        if self.pixels:
            self._camera = CameraRenderer(cfg, self.device, self.joint_mode)
        self._init_episode_seeds()
        self._load(self._sample(self._episode))
        self.elapsed = torch.zeros(self.num_envs, dtype=torch.int64, device=self.device)
        logger.debug("PushCubeEnv: %d envs on %s, %s", self.num_envs, self.device, cfg.control_mode)

    def _build_constants(self) -> None:
        dev, cfg = self.device, self.cfg
        f32 = torch.float32
        self._starts = StartSampler.build(cfg, dev)
        self._q_low = torch.tensor(cfg.joint_lower, dtype=f32, device=dev)
        self._q_high = torch.tensor(cfg.joint_upper, dtype=f32, device=dev)
        self._fractions = torch.tensor(JOINT_STEP_FRACTIONS, dtype=f32, device=dev)
        self._ws_low = torch.tensor(cfg.ee_workspace_low, dtype=f32, device=dev)
        self._ws_low[2] = max(cfg.ee_workspace_low[2], cfg.tcp_radius)
        self._ws_high = torch.tensor(cfg.ee_workspace_high, dtype=f32, device=dev)
        self._zero3 = torch.zeros(self.num_envs, 3, dtype=f32, device=dev)
        self._zero6 = torch.zeros(self.num_envs, 6, dtype=f32, device=dev)

    # ----------------------------------------------------------------------------- resets
    def _sample(self, episode: torch.Tensor) -> dict[str, torch.Tensor]:
        """Fresh initial states of every env for the given per-env episode counters."""
        return self._starts(self._seed_key, self._start_stream, episode)

    def _load(self, fresh: dict[str, torch.Tensor]) -> None:
        self.qpos = fresh["q"]
        self.qvel = self._zero6.clone()
        self.tcp = fresh["tcp"]
        self.cube = fresh["cube"]
        self.cube_vel = self._zero3.clone()
        self.goal = fresh["goal"]
        self.prev_distance = fresh["distance"]

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[Observation, dict[str, Any]]:
        """Reset every env; ``seed`` restarts the per-env episode counters, else they advance
        (each group's to its latest plus one). ``options={"start_group_size": g}``: groups of
        ``g`` consecutive envs share their starts until the next reset (see ``envs.base``)."""
        with grad_free():
            self._restart_episodes(seed, options)
            self._load(self._sample(self._episode))
            self.elapsed.zero_()
            obs = self._observe()
        return ordinary_tensors(obs), {}

    # ------------------------------------------------------------------------------ step
    def _joint_command(self, action: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """New joints and TCP: the largest tried fraction of the step that stays feasible."""
        cfg = self.cfg
        delta = (action * cfg.action_scale).clamp(-cfg.joint_limits, cfg.joint_limits)
        target = torch.maximum(torch.minimum(self.qpos + delta, self._q_high), self._q_low)
        delta = target - self.qpos
        k = self._fractions.shape[0]
        cand = self.qpos[:, None, :] + self._fractions[None, :, None] * delta[:, None, :]
        tcp = tcp_position(cand, cfg.tool_offset)
        flat = tcp.reshape(-1, 3)
        geo = footprint(flat[:, :2], self.cube.repeat_interleave(k, dim=0), self.params)
        above = (self.tcp[:, 2] >= 2.0 * cfg.cube_half_size).repeat_interleave(k)
        ok = (flat[:, 2] >= top_clearance(geo, above, self.params) - 1e-6).view(-1, k)
        ok[:, -1] = True
        pick = ok.to(torch.uint8).argmax(dim=1)
        q_new = cand.gather(1, pick[:, None, None].expand(-1, 1, 6))[:, 0]
        tcp_new = tcp.gather(1, pick[:, None, None].expand(-1, 1, 3))[:, 0]
        return q_new, tcp_new

    def step(self, action: torch.Tensor) -> StepResult:
        """Advance every env one control step; finished envs auto-reset (see the base class)."""
        with grad_free():
            result = self._step(action)
        return ordinary_tensors(result)

    def _step(self, action: torch.Tensor) -> StepResult:
        cfg = self.cfg
        action = torch.as_tensor(action, dtype=torch.float32, device=self.device).clamp(-1.0, 1.0)
        start = self.tcp
        if self.joint_mode:
            q_new, target = self._joint_command(action)
            scaled_norm = (q_new - self.qpos).norm(dim=-1)
        else:
            target = torch.maximum(
                torch.minimum(start + action * cfg.action_scale_ee, self._ws_high), self._ws_low
            )
            scaled_norm = (action * cfg.action_scale_ee).norm(dim=-1)
        cube, vel, tcp = self.cube, self.cube_vel, start
        for i in range(1, cfg.sim_substeps + 1):
            waypoint = torch.lerp(start, target, i / cfg.sim_substeps)
            cube, vel, tcp = substep(cube, vel, tcp, waypoint, self.params)
        if self.joint_mode:
            self.qvel = (q_new - self.qpos) / cfg.control_dt
            self.qpos = q_new
            tcp = target
        self.tcp, self.cube, self.cube_vel = tcp, cube, vel
        self.elapsed = self.elapsed + 1

        outcome = self._outcome(scaled_norm)
        final_obs = self._observe()
        self.prev_distance = outcome.distance
        self._auto_reset(outcome.terminated | outcome.truncated)
        info = {"final_obs": final_obs, "rewards": outcome.terms, "metrics": outcome.metrics}
        return self._observe(), outcome.reward, outcome.terminated, outcome.truncated, info

    def _outcome(self, scaled_action_norm: torch.Tensor) -> StepOutcome:
        """The task's reading of the state just stepped to (a subclass task's hook)."""
        return step_outcome(
            cfg=self.cfg,
            tcp=self.tcp,
            cube=self.cube,
            cube_vel=self.cube_vel,
            goal=self.goal,
            prev_distance=self.prev_distance,
            scaled_action_norm=scaled_action_norm,
            elapsed=self.elapsed,
            max_episode_steps=self.max_episode_steps,
        )

    def demonstration_step(self) -> tuple[torch.Tensor, StepResult]:
        """One step of every env driven by the scripted controller (``scripted.py``, reading
        the full state): ``(action [N, A], step result)``, the action being what a policy
        would have returned (behaviour cloning's label)."""
        with grad_free():
            action = scripted_action(self._flat_state(), self.layout, self.cfg)
            result = self._step(action)
        return action, ordinary_tensors(result)

    def _auto_reset(self, done: torch.Tensor) -> None:
        """Swap fresh initial states into finished envs with ``torch.where`` (no host sync)."""
        self._episode = self._episode + done.to(torch.int64)
        self._swap_in(done, self._sample(self._episode))

    def _swap_in(self, done: torch.Tensor, fresh: dict[str, torch.Tensor]) -> None:
        """Take ``fresh``'s initial state where ``done`` (a subclass adds its own keys)."""
        col = done[:, None]
        self.qpos = torch.where(col, fresh["q"], self.qpos)
        self.qvel = torch.where(col, 0.0, self.qvel)
        self.tcp = torch.where(col, fresh["tcp"], self.tcp)
        self.cube = torch.where(col, fresh["cube"], self.cube)
        self.cube_vel = torch.where(col, 0.0, self.cube_vel)
        self.goal = torch.where(col, fresh["goal"], self.goal)
        self.prev_distance = torch.where(done, fresh["distance"], self.prev_distance)
        self.elapsed = torch.where(done, 0, self.elapsed)

    def _observe(self) -> Observation:
        """The flat state vector, or the pixel modes' dict (camera frame of every env)."""
        flat = self._flat_state()
        if self._camera is None or not self.pixels:
            return flat
        return pixel_observation(
            camera=self._camera,
            obs_mode=self.cfg.obs_mode,
            flat=flat,
            tcp=self.tcp,
            cube=self.cube,
            goal=self.goal,
            qpos=self.qpos if self.joint_mode else None,
            qvel=self.qvel if self.joint_mode else None,
        )

    def _flat_state(self, goal: torch.Tensor | None = None) -> torch.Tensor:
        """The flat state vector, with ``goal [N, 2]`` in place of the episode's goal when
        given (a scripted controller aimed elsewhere)."""
        return build_observation(
            tcp=self.tcp,
            cube=self.cube,
            cube_vel=self.cube_vel,
            goal=self.goal if goal is None else goal,
            half=self.cfg.cube_half_size,
            qpos=self.qpos if self.joint_mode else None,
            qvel=self.qvel if self.joint_mode else None,
        )

    # ---------------------------------------------------------------------------- output
    def render_images(self) -> torch.Tensor:
        """Camera frames ``uint8 [N, 3, H, W]`` of every env on the env's device, in any
        ``obs_mode`` (the same renderer as the pixel observations)."""
        return ordinary_tensors(self._camera_frames(slice(None)))

    def _camera_frames(self, rows: slice) -> torch.Tensor:
        """Camera frames ``uint8 [n, 3, H, W]`` of the envs ``rows``."""
        with grad_free():
            images = self._camera_renderer().render(
                tcp=self.tcp[rows],
                cube=self.cube[rows],
                goal=self.goal[rows],
                qpos=self.qpos[rows] if self.joint_mode else None,
                **self._camera_extras(rows),
            )
        return images.rgb

    def _camera_extras(self, rows: slice) -> dict[str, Any]:
        """More of the scene for the camera (a subclass's extra objects); none here."""
        return {}

    def _camera_renderer(self) -> CameraRenderer:
        if self._camera is None:
            self._camera = CameraRenderer(self.cfg, self.device, self.joint_mode)
        return self._camera

    def render(self, env_index: int = 0) -> np.ndarray:
        """RGB ``uint8 [H, W, 3]`` frame of one env: in the pixel modes the camera image the
        policy sees, with ``obs_mode=state`` the top-down overview (numpy/PIL only)."""
        i = int(env_index)
        if self.pixels:
            return self._camera_frames(slice(i, i + 1))[0].permute(1, 2, 0).cpu().numpy()
        return render_frame(
            cfg=self.cfg,
            qpos=self.qpos[i].detach().cpu() if self.joint_mode else None,
            tcp=self.tcp[i].detach().cpu(),
            cube=self.cube[i].detach().cpu(),
            goal=self.goal[i].detach().cpu(),
        )

    def close(self) -> None:
        """Nothing to release: the env is plain tensors."""

    # ----------------------------------------------------------------------------- state
    _STATE_KEYS = (
        "_seed_key",
        "_episode",
        "qpos",
        "qvel",
        "tcp",
        "cube",
        "cube_vel",
        "goal",
        "prev_distance",
        "elapsed",
    )

    def state_dict(self) -> dict[str, Any]:
        """Seed key, per-env episode counters and the full sim state (copies)."""
        return save_tensors(self, self._STATE_KEYS)

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Continue exactly where ``state_dict`` was taken; every key and shape must match."""
        load_tensors(self, self._STATE_KEYS, state)

    def __repr__(self) -> str:
        return (
            f"PushCubeEnv(num_envs={self.num_envs}, device={self.device}, "
            f"control_mode={self.cfg.control_mode!r}, "
            f"obs_mode={self.cfg.obs_mode!r}, obs_dim={self.layout.dim})"
        )
