"""Gymnasium -> embodichain_rl: run any Gymnasium id behind the batched torch contract.

``GymnasiumEnv`` is not a registered id; a Hydra env config names it directly::

    _target_: embodichain_rl.envs.gym_adapter.GymnasiumEnv
    gym_id: Pendulum-v1
    num_envs: 8
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any, Literal

import gymnasium as gym
import numpy as np
import torch
from gymnasium.vector import AsyncVectorEnv, AutoresetMode, SyncVectorEnv

from embodichain_rl.envs.base import EmbodiedEnv, StepResult
from embodichain_rl.utils.observations import describe_observation_space

logger = logging.getLogger(__name__)

SUCCESS_KEYS = ("is_success", "success")
"""Info keys read, in this order, as the wrapped env's own success flag."""


class GymnasiumEnv(EmbodiedEnv):
    """``num_envs`` copies of a Gymnasium env, vectorised by Gymnasium, seen as torch tensors.

    - Observations, ``Box`` space: flattened, so ``obs`` is float32 ``[num_envs, D]`` on
      ``device``.
    - Observations, ``Dict`` of ``Box`` spaces: a dict of tensors, one per key. A 3-D
      ``uint8`` Box is an image: kept ``uint8`` and, when channel-last ``[H, W, C]`` (C of
      1, 3 or 4, Gymnasium's pixel convention), moved to channel-first ``[C, H, W]``; a 1-D
      int64 Box (token ids) stays int64; every other Box is flattened to a float32 vector.
      Other spaces raise ``ValueError``.
    - Actions, ``Box`` space: a float tensor ``[num_envs, A]`` (``A`` the flattened action
      size), reshaped to the env's action shape and clipped to its bounds.
    - Actions, ``Discrete(n, start)`` space: an integer tensor of 0-based indices
      ``[num_envs, 1]`` (``[num_envs]`` is accepted too), clipped to ``[0, n - 1]``; the
      adapter adds ``start``. ``single_action_space`` is ``Discrete(n)`` and
      ``action_space`` the batched ``MultiDiscrete([n] * num_envs)``.
    - Actions, ``MultiDiscrete(nvec, start)`` space: an integer tensor of 0-based indices
      ``[num_envs, K]``, ``K = nvec.size`` (a multi-dimensional ``nvec`` is flattened in C
      order), component ``i`` clipped to ``[0, nvec[i] - 1]``; the adapter adds ``start``
      and restores ``nvec``'s shape. ``single_action_space`` is ``MultiDiscrete(nvec
      flattened)`` and ``action_space`` ``MultiDiscrete`` of shape ``[num_envs, K]``.
    - Discrete actions may come as floats too (rounded); :func:`embodichain_rl.policies.
      spaces.policy_space_kwargs` tells a policy the choices per component.
    - Episodes end through the wrapped env's own ``terminated`` and its ``TimeLimit``
      (``max_episode_steps``, or the id's registered limit when ``None``); finished envs reset in
      the same step (``AutoresetMode.SAME_STEP``) and ``info["final_obs"]`` holds their true
      last observation (equal to ``obs`` for the others).
    - ``info["rewards"] = {"env": reward}``; ``info["metrics"]["success"]`` is the wrapped
      env's ``is_success`` (or ``success``) info, read from its final info on the step an
      episode ends. Until the env reports either, ``info["metrics"]`` has no ``success`` (no
      success rate is logged or evaluated); success is never inferred from rewards or
      termination.
    - ``reset(seed=s)`` seeds env ``i`` with ``s + i``.
    - ``render(i)`` returns sub-env ``i``'s frame (env 0 by default); make the env with
      ``env_kwargs={"render_mode": "rgb_array"}``.
    """

    def __init__(
        self,
        *,
        gym_id: str,
        num_envs: int = 1,
        device: str | torch.device = "cpu",
        max_episode_steps: int | None = None,
        vectorization: Literal["sync", "async"] = "sync",
        env_kwargs: dict[str, Any] | None = None,
    ) -> None:
        if num_envs < 1:
            raise ValueError(f"num_envs must be >= 1, got {num_envs}")
        if vectorization not in ("sync", "async"):
            raise ValueError(f"vectorization must be 'sync' or 'async', got {vectorization!r}")
        self.gym_id = gym_id
        self.num_envs = num_envs
        self.device = torch.device(device)
        self.reports_success = False
        """Whether the wrapped env has reported ``is_success`` / ``success`` yet."""
        limit = max_episode_steps
        if limit is None:
            limit = gym.spec(gym_id).max_episode_steps
        self.max_episode_steps = limit

        make_one = partial(gym.make, gym_id, max_episode_steps=limit, **(env_kwargs or {}))
        vector_class = SyncVectorEnv if vectorization == "sync" else AsyncVectorEnv
        self._vec: gym.vector.VectorEnv = vector_class(
            [make_one] * num_envs, autoreset_mode=AutoresetMode.SAME_STEP
        )
        try:
            self._set_spaces()
        except ValueError:
            self._vec.close()
            raise
        logger.debug(
            "GymnasiumEnv %s: %d %s envs, observations %s, time limit %s",
            gym_id,
            num_envs,
            vectorization,
            describe_observation_space(self.single_observation_space),
            limit,
        )

    def _set_spaces(self) -> None:
        obs_space = self._vec.single_observation_space
        self._channel_last: dict[str, bool] = {}
        self._integer_keys: set[str] = set()
        """Dict keys whose images arrive channel-last (moved to channel-first)."""
        if isinstance(obs_space, gym.spaces.Dict):
            self.single_observation_space = self._dict_space(obs_space)  # type: ignore[assignment]
        elif isinstance(obs_space, gym.spaces.Box):
            self.single_observation_space = _float_vector_space(obs_space)
        else:
            raise ValueError(
                f"GymnasiumEnv needs a Box or a Dict of Box observation space, but "
                f"{self.gym_id!r} has {obs_space}"
            )
        act_space = self._vec.single_action_space
        self._env_action_space: gym.spaces.Space[Any] = act_space
        self._action_nvec: np.ndarray | None = None
        """Choices per flat action component (discrete spaces), else ``None``."""
        self._action_start: np.ndarray | None = None
        """The wrapped space's ``start`` per flat component (discrete spaces)."""
        if isinstance(act_space, gym.spaces.Box):
            self.single_action_space = gym.spaces.flatten_space(act_space)
        elif isinstance(act_space, gym.spaces.Discrete):
            self._action_nvec = np.array([act_space.n], dtype=np.int64)
            self._action_start = np.array([act_space.start], dtype=np.int64)
            self.single_action_space = gym.spaces.Discrete(int(act_space.n))  # type: ignore[assignment]
        elif isinstance(act_space, gym.spaces.MultiDiscrete):
            self._action_nvec = np.asarray(act_space.nvec, dtype=np.int64).reshape(-1)
            self._action_start = np.asarray(act_space.start, dtype=np.int64).reshape(-1)
            self.single_action_space = gym.spaces.MultiDiscrete(self._action_nvec)  # type: ignore[assignment]
        else:
            raise ValueError(
                f"GymnasiumEnv supports Box, Discrete or MultiDiscrete action spaces, but "
                f"{self.gym_id!r} has {act_space}"
            )

    def _dict_space(self, space: gym.spaces.Dict) -> gym.spaces.Dict:
        """The torch-side ``Dict``: images ``uint8 [C, H, W]``, int64 vectors kept (token
        ids), the rest float32 vectors."""
        converted: dict[str, gym.spaces.Box] = {}
        for key, sub in space.spaces.items():
            if not isinstance(sub, gym.spaces.Box):
                raise ValueError(
                    f"GymnasiumEnv: observation key {key!r} of {self.gym_id!r} is {sub}; "
                    "only Box entries are supported"
                )
            if len(sub.shape) == 3 and np.dtype(sub.dtype) == np.uint8:
                last = sub.shape[-1] in (1, 3, 4) and sub.shape[0] not in (1, 3, 4)
                self._channel_last[str(key)] = last
                shape = (sub.shape[2], sub.shape[0], sub.shape[1]) if last else sub.shape
                converted[str(key)] = gym.spaces.Box(0, 255, shape, dtype=np.uint8)
            elif len(sub.shape) == 1 and np.dtype(sub.dtype) == np.int64:
                self._integer_keys.add(str(key))  # token ids stay exact integers
                converted[str(key)] = sub
            else:
                converted[str(key)] = _float_vector_space(sub)
        return gym.spaces.Dict(converted)

    @property
    def action_space(self) -> gym.spaces.Space[Any]:
        """Batched action space: ``Box [num_envs, A]``, ``MultiDiscrete [num_envs]``
        (``Discrete``) or ``MultiDiscrete [num_envs, K]`` (``MultiDiscrete``)."""
        if isinstance(self._env_action_space, gym.spaces.Discrete):
            return gym.spaces.MultiDiscrete(np.full(self.num_envs, self._env_action_space.n))
        if self._action_nvec is not None:
            return gym.spaces.MultiDiscrete(np.tile(self._action_nvec, (self.num_envs, 1)))
        return super().action_space

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[torch.Tensor, dict[str, Any]]:
        """Reset every env; ``seed`` seeds env ``i`` with ``seed + i``."""
        obs, _ = self._vec.reset(seed=seed, options=options)
        return self._observation(self._flatten_obs(obs)), {}

    def _metrics(self, info: dict[str, Any], done: np.ndarray) -> dict[str, torch.Tensor]:
        """``{"success": ...}`` once the wrapped env has reported success (``is_success`` /
        ``success``) on any step, else ``{}``: envs with no notion of success report none."""
        flags = _success_flags(info, done)
        self.reports_success = self.reports_success or flags is not None
        if not self.reports_success:
            return {}
        return {"success": self._to_torch(np.zeros(done.shape, bool) if flags is None else flags)}

    def step(self, action: torch.Tensor) -> StepResult:
        """Step every env with ``action`` (see the class docstring for its shape)."""
        obs, reward, terminated, truncated, info = self._vec.step(self._to_numpy_action(action))
        flat_obs = self._flatten_obs(obs)
        final_obs = _copy_tree(flat_obs)
        finished = np.flatnonzero(info.get("_final_obs", np.zeros(self.num_envs, dtype=bool)))
        for i in finished:
            self._write_row(final_obs, int(i), info["final_obs"][i])
        done = np.logical_or(terminated, truncated)
        reward_t = self._to_torch(np.asarray(reward, dtype=np.float32))
        step_info = {
            "final_obs": self._observation(final_obs),
            "rewards": {"env": reward_t},
            "metrics": self._metrics(info, done),
        }
        return (
            self._observation(flat_obs),
            reward_t,
            self._to_torch(np.asarray(terminated, dtype=bool)),
            self._to_torch(np.asarray(truncated, dtype=bool)),
            step_info,
        )

    def render(self, env_index: int = 0) -> np.ndarray:
        """Sub-env ``env_index``'s ``rgb_array`` frame ``uint8 [H, W, 3]``."""
        if self._vec.render_mode != "rgb_array":
            raise NotImplementedError(
                f"{self.gym_id!r} was made with render_mode={self._vec.render_mode!r}; pass "
                "env_kwargs={'render_mode': 'rgb_array'} to render it"
            )
        index = int(env_index)
        if not 0 <= index < self.num_envs:
            raise IndexError(f"env_index {index} out of range for {self.num_envs} envs")
        if isinstance(self._vec, SyncVectorEnv):
            frame = self._vec.envs[index].render()
        else:  # async: each worker renders its own env; keep the one asked for
            frame = self._vec.call("render")[index]
        return np.asarray(frame, dtype=np.uint8)

    def close(self) -> None:
        """Close the Gymnasium vector env (and its worker processes when async)."""
        self._vec.close()

    def _flatten_obs(self, obs: Any, rows: int | None = None) -> Any:
        """A batch (of ``rows``, default ``num_envs``) from the vector env in the torch-side
        layout (host arrays)."""
        rows = self.num_envs if rows is None else rows
        if not isinstance(obs, dict):
            return np.asarray(obs, dtype=np.float32).reshape(rows, -1)
        out: dict[str, np.ndarray] = {}
        for key, value in obs.items():
            if key in self._channel_last:
                image = np.asarray(value, dtype=np.uint8)
                out[key] = image.transpose(0, 3, 1, 2) if self._channel_last[key] else image
            elif key in self._integer_keys:
                out[key] = np.asarray(value, dtype=np.int64).reshape(rows, -1)
            else:
                out[key] = np.asarray(value, dtype=np.float32).reshape(rows, -1)
        return out

    def _write_row(self, batch: Any, index: int, single: Any) -> None:
        """Put one sub-env's raw observation ``single`` into row ``index`` of ``batch``."""
        if not isinstance(batch, dict):
            batch[index] = np.asarray(single, dtype=np.float32).reshape(-1)
            return
        as_batch = self._flatten_obs({key: np.asarray(v)[None] for key, v in single.items()}, 1)
        for key, value in batch.items():
            value[index] = as_batch[key][0]

    def _observation(self, batch: Any) -> torch.Tensor | dict[str, torch.Tensor]:
        """Host arrays (one, or a dict) as tensors on ``device``."""
        if isinstance(batch, dict):
            return {key: self._to_torch(value) for key, value in batch.items()}
        return self._to_torch(batch)

    def _to_torch(self, array: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(np.ascontiguousarray(array)).to(self.device)

    def _to_numpy_action(self, action: torch.Tensor) -> np.ndarray:
        array = action.detach().cpu().numpy()
        space = self._env_action_space
        if self._action_nvec is not None and self._action_start is not None:
            k = self._action_nvec.size
            ints = np.rint(array.reshape(self.num_envs, k)).astype(np.int64)
            values = np.clip(ints, 0, self._action_nvec - 1) + self._action_start
            if isinstance(space, gym.spaces.Discrete):
                return values.reshape(self.num_envs)
            return values.reshape(self.num_envs, *space.shape).astype(space.dtype)
        assert isinstance(space, gym.spaces.Box)
        shaped = array.reshape(self.num_envs, *space.shape).astype(space.dtype)
        return np.clip(shaped, space.low, space.high)


def _float_vector_space(space: gym.spaces.Box) -> gym.spaces.Box:
    """``space`` flattened to a float32 vector ``Box``."""
    flat = gym.spaces.flatten_space(space)
    return gym.spaces.Box(
        low=flat.low.astype(np.float32), high=flat.high.astype(np.float32), dtype=np.float32
    )


def _copy_tree(batch: Any) -> Any:
    """A copy of one array or of every array of a dict."""
    if isinstance(batch, dict):
        return {key: value.copy() for key, value in batch.items()}
    return batch.copy()


def _success_flags(info: dict[str, Any], done: np.ndarray) -> np.ndarray | None:
    """Per-env success: live info for running envs, final info for envs that just finished;
    ``None`` when this step's info carries no success key at all."""
    success = np.zeros(done.shape, dtype=bool)
    final_info = info.get("final_info", {})
    found = False
    for source, rows in ((info, ~done), (final_info, done)):
        key = next((k for k in SUCCESS_KEYS if k in source), None)
        if key is None:
            continue
        found = True
        reported = rows & np.asarray(source.get(f"_{key}", rows), dtype=bool)
        success[reported] = np.asarray(source[key], dtype=bool)[reported]
    return success if found else None
