"""``PushCubeLanguageEnv``: PushCube with coloured discs and an instruction naming one."""

from __future__ import annotations

from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
import torch

from embodichain_rl.envs.action_chunks import run_chunk
from embodichain_rl.envs.base import StepResult, grad_free, ordinary_tensors
from embodichain_rl.envs.push_cube.env import PushCubeEnv
from embodichain_rl.envs.push_cube.outcome import StepOutcome
from embodichain_rl.envs.push_cube.pixels import CameraRenderer, Discs
from embodichain_rl.envs.push_cube.scripted import scripted_action, tcp_step_action
from embodichain_rl.envs.push_cube_language import language
from embodichain_rl.envs.push_cube_language.config import PushCubeLanguageConfig
from embodichain_rl.envs.push_cube_language.discs import (
    CUBE_RGB,
    DiscLayout,
    named_colour,
    named_disc,
    palette_tensors,
    sample_discs,
)
from embodichain_rl.envs.push_cube_language.observations import (
    language_observation,
    language_observation_space,
)
from embodichain_rl.envs.push_cube_language.reach import (
    EXPERT_MAX_STEP,
    reach_outcome,
    reach_point,
    tcp_distance,
)
from embodichain_rl.envs.push_cube_language.render import annotated_frame
from embodichain_rl.envs.registry import register_env
from embodichain_rl.utils.observations import Observation

IK_DAMPING = 0.02
"""Damping (m) of the joint-mode reach expert's least-squares Jacobian inverse."""


@register_env("PushCubeLanguage", max_episode_steps=100)
class PushCubeLanguageEnv(PushCubeEnv):
    """PushCube with ``num_targets`` coloured discs; the instruction names the one to push
    the cube onto (``task=push``) or to bring the TCP over (``task=reach``); one action may
    be a chunk of ``action_chunk`` sub-actions. See ``docs/push_cube_language.md``.
    ``max_episode_steps`` counts sub-steps (control steps), not decisions."""

    config_class: ClassVar[type[PushCubeLanguageConfig]] = PushCubeLanguageConfig
    cfg: PushCubeLanguageConfig

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        cfg = self.cfg
        self.single_observation_space = language_observation_space(cfg)
        self.sub_action_dim = 6 if self.joint_mode else 3
        size = cfg.action_chunk * self.sub_action_dim
        self.single_action_space = gym.spaces.Box(-1.0, 1.0, (size,), dtype=np.float32)
        self.control_steps_per_step = cfg.action_chunk
        self.instruction_vocabulary: tuple[str, ...] = language.VOCABULARY
        self.instruction_length: int = language.INSTRUCTION_LENGTH
        self._camera = CameraRenderer(cfg, self.device, self.joint_mode, cube_rgb=CUBE_RGB)

    def _build_constants(self) -> None:
        super()._build_constants()
        self._disc_rgb, self._dot_rgb = palette_tensors(self.device)
        self._instructions = language.instruction_table(self.cfg.task, self.device)

    # ----------------------------------------------------------------------------- resets
    def _sample(self, episode: torch.Tensor) -> dict[str, torch.Tensor]:
        """PushCube's start plus the discs; ``goal`` is the named disc."""
        fresh = super()._sample(episode)
        layout = sample_discs(
            self.cfg, self._seed_key, self._start_stream, episode, fresh["cube"][:, :2]
        )
        fresh["goal"] = named_disc(layout)
        if self.cfg.task == "reach":
            fresh["distance"] = tcp_distance(fresh["tcp"], fresh["goal"])
        else:
            fresh["distance"] = (fresh["cube"][:, :2] - fresh["goal"]).norm(dim=-1)
        fresh["discs"], fresh["colours"], fresh["target"] = layout
        return fresh

    def _load(self, fresh: dict[str, torch.Tensor]) -> None:
        super()._load(fresh)
        self.discs, self.disc_colours, self.target = (
            fresh["discs"],
            fresh["colours"],
            fresh["target"],
        )

    def _swap_in(self, done: torch.Tensor, fresh: dict[str, torch.Tensor]) -> None:
        super()._swap_in(done, fresh)
        self.discs = torch.where(done[:, None, None], fresh["discs"], self.discs)
        self.disc_colours = torch.where(done[:, None], fresh["colours"], self.disc_colours)
        self.target = torch.where(done, fresh["target"], self.target)

    # ------------------------------------------------------------------------------ step
    def step(self, action: torch.Tensor) -> StepResult:
        """One decision: the chunk's ``action_chunk`` sub-actions executed open-loop (see
        ``envs/action_chunks.py`` for the reward, done and ``info`` semantics)."""
        a = self.sub_action_dim
        with grad_free():
            action = torch.as_tensor(action, dtype=torch.float32, device=self.device)
            action = action.reshape(self.num_envs, -1)
            _, result = run_chunk(
                lambda j: action[:, j * a : (j + 1) * a],
                self._step,
                self.cfg.action_chunk,
                self.cfg.chunk_discount,
            )
        return ordinary_tensors(result)

    def demonstration_step(self) -> tuple[torch.Tensor, StepResult]:
        """One decision driven by the scripted expert for the NAMED disc, closed-loop at every
        sub-step (push: ``scripted_action``; reach: a TCP move toward the disc):
        ``(action [N, H * A], step result)``, zeros after an env's done (chunk semantics)."""
        with grad_free():
            action, result = run_chunk(
                lambda j: self.expert_action(),
                self._step,
                self.cfg.action_chunk,
                self.cfg.chunk_discount,
            )
        return ordinary_tensors(action), ordinary_tensors(result)

    def expert_action(self, goal: torch.Tensor | None = None) -> torch.Tensor:
        """The scripted expert's sub-action ``[N, A]`` for the current state, aimed at
        ``goal [N, 2]`` (default: the named disc; another disc measures a blind policy)."""
        cfg = self.cfg
        if cfg.task == "push":
            return scripted_action(self._flat_state(goal), self.layout, cfg)
        goal = self.goal if goal is None else goal
        return tcp_step_action(
            reach_point(goal, cfg) - self.tcp,
            self.qpos if self.joint_mode else None,
            cfg,
            max_step=EXPERT_MAX_STEP,
            ik_damping=IK_DAMPING,
        )

    def _outcome(self, scaled_action_norm: torch.Tensor) -> StepOutcome:
        if self.cfg.task == "push":
            return super()._outcome(scaled_action_norm)
        return reach_outcome(
            cfg=self.cfg,
            tcp=self.tcp,
            cube=self.cube,
            cube_vel=self.cube_vel,
            target=self.goal,
            prev_distance=self.prev_distance,
            scaled_action_norm=scaled_action_norm,
            elapsed=self.elapsed,
            max_episode_steps=self.max_episode_steps,
        )

    # ----------------------------------------------------------------------- observation
    def _disc_drawing(self, rows: slice | None = None) -> Discs:
        """The discs of every env (or of ``rows``) with their colours, for the camera."""
        rows = rows if rows is not None else slice(None)
        colours = self.disc_colours[rows]
        return Discs(self.discs[rows], self._disc_rgb[colours], self._dot_rgb[colours])

    def _observe(self) -> Observation:
        """The observation dict of every env (``observations.py``)."""
        return language_observation(
            camera=self._camera_renderer(),
            obs_mode=self.cfg.obs_mode,
            flat=self._flat_state(),
            instruction=self.instruction_ids(),
            tcp=self.tcp,
            cube=self.cube,
            discs=self._disc_drawing(),
            qpos=self.qpos if self.joint_mode else None,
            qvel=self.qvel if self.joint_mode else None,
        )

    def instruction_ids(self) -> torch.Tensor:
        """int64 ``[N, L]`` word ids of every env's instruction (a fresh tensor)."""
        layout = DiscLayout(self.discs, self.disc_colours, self.target)
        return self._instructions.index_select(0, named_colour(layout))

    def instruction_text(self, env_index: int) -> str:
        """The instruction of env ``env_index`` as text (reads the device)."""
        return language.decode(self.instruction_ids()[int(env_index)].cpu())

    def instruction_texts(self) -> list[str]:
        """The instruction of every env as text (one host read)."""
        return [language.decode(row) for row in self.instruction_ids().cpu()]

    # ---------------------------------------------------------------------------- output
    def _camera_extras(self, rows: slice) -> dict[str, Any]:
        """The coloured discs, drawn instead of PushCube's one goal disc."""
        return {"discs": self._disc_drawing(rows)}

    def render(self, env_index: int = 0) -> np.ndarray:
        """RGB ``uint8 [192 + 24, 192, 3]``: env ``env_index``'s camera image upscaled
        (nearest) above its instruction's text."""
        i = int(env_index)
        image = self._camera_frames(slice(i, i + 1))[0].permute(1, 2, 0).cpu().numpy()
        return annotated_frame(image, self.instruction_text(i))

    # ----------------------------------------------------------------------------- state
    _STATE_KEYS = (*PushCubeEnv._STATE_KEYS, "discs", "disc_colours", "target")
    """PushCube's state plus the discs, their colours and the named slot (``state_dict``)."""

    def __repr__(self) -> str:
        cfg = self.cfg
        return (
            f"PushCubeLanguageEnv(num_envs={self.num_envs}, device={self.device}, "
            f"task={cfg.task!r}, num_targets={cfg.num_targets}, "
            f"action_chunk={cfg.action_chunk}, control_mode={cfg.control_mode!r}, "
            f"obs_mode={cfg.obs_mode!r})"
        )
