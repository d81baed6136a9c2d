"""``PushCubeMuJoCoEnv``: the PushCube task on MuJoCo (CPU) or MuJoCo Warp (any device).

Same observations, actions, rewards, resets, termination and ``info`` keys as ``PushCubeRL``
(shared code in ``push_cube.resets`` / ``push_cube.outcome``); the difference is the physics:
a position-driven UR10 whose pusher sphere touches a free 6-DoF cube on a table, all resolved
by MuJoCo's soft contact solver.
"""

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
from embodichain_rl.envs.episode_seeds import SeededEpisodes
from embodichain_rl.envs.push_cube.kinematics import dls_step, position_jacobian, tcp_position
from embodichain_rl.envs.push_cube.observations import ObservationLayout, build_observation
from embodichain_rl.envs.push_cube.outcome import step_outcome
from embodichain_rl.envs.push_cube.render import render_frame
from embodichain_rl.envs.push_cube.resets import StartSampler
from embodichain_rl.envs.push_cube_mujoco.backend import PhysicsBackend
from embodichain_rl.envs.push_cube_mujoco.config import PushCubeMuJoCoConfig
from embodichain_rl.envs.push_cube_mujoco.cube_pose import free_pose, planar_pose, planar_twist
from embodichain_rl.envs.push_cube_mujoco.scene import compile_scene
from embodichain_rl.envs.registry import register_env
from embodichain_rl.envs.tensor_state import (
    raise_state_problems,
    restore_tensors,
    save_tensors,
    shape_problems,
    tensor_shapes,
)

logger = logging.getLogger(__name__)

ARM_DOF = 6


def make_backend(
    cfg: PushCubeMuJoCoConfig, model: Any, num_envs: int, device: torch.device
) -> PhysicsBackend:
    """The engine ``cfg.backend`` names, sized for ``num_envs``."""
    if cfg.backend == "mujoco_warp":
        from embodichain_rl.envs.push_cube_mujoco.warp_backend import MujocoWarpBackend

        return MujocoWarpBackend(
            model, num_envs, cfg.sim_substeps, device, cfg.max_contacts_per_env
        )
    from embodichain_rl.envs.push_cube_mujoco.cpu_backend import MujocoCpuBackend

    threads = cfg.threads or torch.get_num_threads()
    return MujocoCpuBackend(model, num_envs, cfg.sim_substeps, threads)


@register_env("PushCubeMuJoCo", max_episode_steps=100)
class PushCubeMuJoCoEnv(SeededEpisodes, EmbodiedEnv):
    """PushCube on a real physics engine; see ``docs/push_cube_mujoco.md``.

    Keyword-only: ``num_envs``, ``device``, ``max_episode_steps``, ``cfg`` (a
    :class:`PushCubeMuJoCoConfig`) and any config field as an override (``backend=...``).
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
        cfg: PushCubeMuJoCoConfig | None = None,
        **overrides: Any,
    ) -> None:
        self.cfg = (cfg if cfg is not None else PushCubeMuJoCoConfig()).replace(**overrides)
        self.num_envs = int(num_envs)
        self.device = torch.device(device)
        self.max_episode_steps = max_episode_steps
        self.joint_mode = self.cfg.control_mode == "joint_delta_pos"
        self.layout = ObservationLayout.for_mode(self.cfg.control_mode)
        self.single_observation_space = gym.spaces.Box(
            -np.inf, np.inf, (self.layout.dim,), dtype=np.float32
        )
        action_dim = ARM_DOF if self.joint_mode else 3
        self.single_action_space = gym.spaces.Box(-1.0, 1.0, (action_dim,), dtype=np.float32)
        self.model = compile_scene(self.cfg)
        self.backend = make_backend(self.cfg, self.model, self.num_envs, self.device)
        self._build_constants()
        self._init_episode_seeds()
        self.elapsed = torch.zeros(self.num_envs, dtype=torch.int64, device=self.device)
        fresh = self._starts(self._seed_key, self._env_index, self._episode)
        self.goal, self.prev_distance, self.q_target = fresh["goal"], fresh["distance"], fresh["q"]
        self._start(self._everywhere)
        logger.debug(
            "PushCubeMuJoCoEnv: %d envs on %s (%s), %s",
            self.num_envs,
            self.device,
            self.cfg.backend,
            self.cfg.control_mode,
        )

    def _build_constants(self) -> None:
        dev, cfg, f32 = self.device, self.cfg, torch.float32
        self._starts = StartSampler.build(cfg, dev)
        self._q_low = torch.tensor(cfg.joint_lower, dtype=f32, device=dev)
        self._q_high = torch.tensor(cfg.joint_upper, dtype=f32, device=dev)
        self._ws_low = torch.tensor(cfg.ee_workspace_low, dtype=f32, device=dev)
        self._ws_low[2] = max(cfg.ee_workspace_low[2], cfg.tcp_radius)
        self._ws_high = torch.tensor(cfg.ee_workspace_high, dtype=f32, device=dev)
        self._zero_qvel = torch.zeros(self.num_envs, self.model.nv, dtype=f32, device=dev)
        self._everywhere = torch.ones(self.num_envs, dtype=torch.bool, device=dev)

    # ----------------------------------------------------------------------------- state
    def _read(self) -> None:
        """Pull the engine's state into the task's terms (TCP from our closed-form FK)."""
        qpos = self.backend.qpos().to(self.device, torch.float32)
        qvel = self.backend.qvel().to(self.device, torch.float32)
        self.qpos = qpos[:, :ARM_DOF]
        self.qvel = qvel[:, :ARM_DOF]
        self.tcp = tcp_position(self.qpos, self.cfg.tool_offset)
        self.cube = planar_pose(qpos[:, ARM_DOF:])
        self.cube_vel = planar_twist(qpos[:, ARM_DOF:], qvel[:, ARM_DOF:])

    def _start(self, mask: torch.Tensor) -> None:
        """Fresh episodes in the envs where ``mask`` is true (their episode counter as is)."""
        fresh = self._starts(self._seed_key, self._start_stream, self._episode)
        qpos = torch.cat((fresh["q"], free_pose(fresh["cube"], self.cfg.cube_half_size)), -1)
        self.backend.write(
            mask.to(self.backend.device),
            qpos.to(self.backend.device),
            self._zero_qvel.to(self.backend.device),
        )
        col = mask[:, None]
        self.goal = torch.where(col, fresh["goal"], self.goal)
        self.prev_distance = torch.where(mask, fresh["distance"], self.prev_distance)
        self.q_target = torch.where(col, fresh["q"], self.q_target)
        self.elapsed = torch.where(mask, 0, self.elapsed)
        self._read()

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[torch.Tensor, dict[str, Any]]:
        """Reset every env; ``seed`` restarts the per-env episode counters, else they advance
        (each group's to its latest plus one). ``options={"start_group_size": g}``: groups of
        ``g`` consecutive envs share their starts until the next reset (see ``envs.base``)."""
        with torch.no_grad():
            self._restart_episodes(seed, options)
            self._start(self._everywhere)
            return self._observe(), {}

    # ------------------------------------------------------------------------------ step
    def joint_targets_for(self, tcp_target: torch.Tensor, start: torch.Tensor) -> torch.Tensor:
        """Joints ``[N, 6]`` putting the TCP at ``tcp_target [N, 3]``: ``ik_iterations`` damped
        least-squares steps from ``start``, inside the joint limits."""
        cfg, q = self.cfg, start
        for _ in range(cfg.ik_iterations):
            err = tcp_target - tcp_position(q, cfg.tool_offset)
            dq = dls_step(position_jacobian(q, cfg.tool_offset), err, damping=cfg.ik_damping)
            q = torch.maximum(torch.minimum(q + dq, self._q_high), self._q_low)
        return q

    def set_sim_state(self, arm_qpos: torch.Tensor, cube: torch.Tensor) -> torch.Tensor:
        """Place the arm at ``arm_qpos [N, 6]`` and the cube at rest at ``(x, y, yaw) [N, 3]``
        in every env (for scripted experiments and tests); returns the new observation."""
        qpos = torch.cat((arm_qpos, free_pose(cube, self.cfg.cube_half_size)), -1)
        dev = self.backend.device
        self.backend.write(self._everywhere.to(dev), qpos.to(dev), self._zero_qvel.to(dev))
        self.q_target = arm_qpos.to(self.device, torch.float32).clone()
        self._read()
        self.prev_distance = (self.cube[:, :2] - self.goal).norm(dim=-1)
        return self._observe()

    def step(self, action: torch.Tensor) -> StepResult:
        """Advance every env one control step; finished envs auto-reset (see the base class)."""
        with torch.no_grad():
            return self._step(action)

    def _step(self, action: torch.Tensor) -> StepResult:
        cfg = self.cfg
        action = torch.as_tensor(action, dtype=torch.float32, device=self.device).clamp(-1.0, 1.0)
        if self.joint_mode:
            delta = (action * cfg.action_scale).clamp(-cfg.joint_limits, cfg.joint_limits)
            target = torch.maximum(torch.minimum(self.qpos + delta, self._q_high), self._q_low)
            scaled_norm = (target - self.qpos).norm(dim=-1)
        else:
            tcp_target = torch.maximum(
                torch.minimum(self.tcp + action * cfg.action_scale_ee, self._ws_high),
                self._ws_low,
            )
            target = self.joint_targets_for(tcp_target, self.q_target)
            scaled_norm = (action * cfg.action_scale_ee).norm(dim=-1)
        self.q_target = target
        self.backend.step(target.to(self.backend.device))
        self._read()
        self.elapsed = self.elapsed + 1
        outcome = step_outcome(
            cfg=cfg,
            tcp=self.tcp,
            cube=self.cube,
            cube_vel=self.cube_vel,
            goal=self.goal,
            prev_distance=self.prev_distance,
            scaled_action_norm=scaled_norm,
            elapsed=self.elapsed,
            max_episode_steps=self.max_episode_steps,
        )
        final_obs = self._observe()
        self.prev_distance = outcome.distance
        done = outcome.terminated | outcome.truncated
        self._episode = self._episode + done.to(torch.int64)
        self._start(done)
        info = {"final_obs": final_obs, "rewards": outcome.terms, "metrics": outcome.metrics}
        return self._observe(), outcome.reward, outcome.terminated, outcome.truncated, info

    def _observe(self) -> torch.Tensor:
        return build_observation(
            tcp=self.tcp,
            cube=self.cube,
            cube_vel=self.cube_vel,
            goal=self.goal,
            half=self.cfg.cube_half_size,
            qpos=self.qpos if self.joint_mode else None,
            qvel=self.qvel if self.joint_mode else None,
        )

    # ---------------------------------------------------------------------------- output
    def render(self, env_index: int = 0) -> np.ndarray:
        """Top-down RGB ``uint8 [H, W, 3]`` frame of one env, drawn like ``PushCubeRL``'s
        (headless: no OpenGL context needed)."""
        i = int(env_index)
        return render_frame(
            cfg=self.cfg,
            qpos=self.qpos[i].detach().cpu(),
            tcp=self.tcp[i].detach().cpu(),
            cube=self.cube[i].detach().cpu(),
            goal=self.goal[i].detach().cpu(),
        )

    def close(self) -> None:
        """Stop the engine's worker threads / drop its device buffers."""
        self.backend.close()

    # ----------------------------------------------------------------------------- state
    _TASK_KEYS = ("_seed_key", "_episode", "goal", "prev_distance", "q_target", "elapsed")

    def state_dict(self) -> dict[str, Any]:
        """Seed key, per-env episode counters, task state and the engine's state under
        ``sim`` (in the engine's precision, so a run resumes bit-exactly)."""
        state: dict[str, Any] = save_tensors(self, self._TASK_KEYS)
        state["sim"] = self.backend.state_dict()
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Continue exactly where ``state_dict`` was taken; every key and shape must match."""
        expected = tensor_shapes(self, self._TASK_KEYS)
        expected |= {f"sim.{k}": tuple(v.shape) for k, v in self.backend.state_dict().items()}
        saved = {k: v for k, v in state.items() if k != "sim"}
        saved |= {f"sim.{k}": v for k, v in (state.get("sim") or {}).items()}
        raise_state_problems(type(self).__name__, shape_problems(expected, saved))
        restore_tensors(self, self._TASK_KEYS, state)
        self.backend.load_state_dict(
            {k: v.to(self.backend.device) for k, v in state["sim"].items()}
        )
        self._read()

    def __repr__(self) -> str:
        return (
            f"PushCubeMuJoCoEnv(num_envs={self.num_envs}, device={self.device}, "
            f"backend={self.cfg.backend!r}, control_mode={self.cfg.control_mode!r}, "
            f"obs_dim={self.layout.dim})"
        )
