"""embodichain_rl -> Gymnasium: registered batched envs as numpy ``gymnasium`` envs.

``register_env`` points Gymnasium at the two factories here, so for a registered id:

- ``gymnasium.make(id)`` -> :class:`SingleGymEnv` (one env, numpy in/out, no auto-reset);
- ``gymnasium.make_vec(id, num_envs=N)`` -> :class:`VectorGymEnv` (the batched env itself,
  numpy in/out, ``AutoresetMode.SAME_STEP``).

Time limits: the batched env truncates itself at its ``max_episode_steps``. ``make_vec`` hands
the registered limit to the env, and Gymnasium adds no wrapper, so it fires once. ``make`` puts
Gymnasium's ``TimeLimit`` with the same registered limit around :class:`SingleGymEnv`; both
fire on the same step, so an episode is truncated exactly once, at that step.
``gymnasium.make(id, max_episode_steps=K)`` only changes the ``TimeLimit``, so it can shorten
the episode but not lengthen it past the registered limit; call
``make_single_gym_env(id, max_episode_steps=K)`` for that.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

import gymnasium as gym
import numpy as np
import torch
from gymnasium.vector import AutoresetMode
from gymnasium.vector.utils import batch_space

from embodichain_rl.envs.base import EmbodiedEnv
from embodichain_rl.envs.registry import make_env, registered_envs
from embodichain_rl.utils.observations import Observation

logger = logging.getLogger(__name__)


def make_single_gym_env(
    env_id: str,
    max_episode_steps: int | None = None,
    render_mode: str | None = None,
    device: str = "cpu",
    **kwargs: Any,
) -> SingleGymEnv:
    """Build ``env_id`` with one env and wrap it as a ``gymnasium.Env`` (Gymnasium's entry point).

    ``max_episode_steps`` overrides the registered limit; other keyword arguments go to the env.
    """
    _ensure_builtin_envs(env_id)
    env = make_env(env_id, num_envs=1, device=device, max_episode_steps=max_episode_steps, **kwargs)
    return SingleGymEnv(env, render_mode=render_mode)


def make_vector_gym_env(
    env_id: str,
    num_envs: int,
    max_episode_steps: int | None = None,
    render_mode: str | None = None,
    device: str = "cpu",
    **kwargs: Any,
) -> VectorGymEnv:
    """Build ``env_id`` ``num_envs`` wide as a numpy ``VectorEnv`` (the vector entry point)."""
    _ensure_builtin_envs(env_id)
    env = make_env(
        env_id, num_envs=num_envs, device=device, max_episode_steps=max_episode_steps, **kwargs
    )
    return VectorGymEnv(env, render_mode=render_mode)


class SingleGymEnv(gym.Env[np.ndarray, np.ndarray]):
    """A one-env :class:`EmbodiedEnv` behind Gymnasium's single-env API.

    ``step`` returns numpy float32 observations (a dict of arrays for a dict-observation
    env, camera images ``uint8 [3, H, W]``), a python ``float`` reward and python ``bool``
    flags. Gymnasium single envs do not auto-reset: on the step an episode ends the returned
    observation is the episode's true last one (``info["final_obs"][0]`` of the batched env),
    and the next ``reset()`` starts the new episode. ``info`` carries ``rewards`` and
    ``metrics`` as python scalars, plus ``is_success`` where the env reports ``success``.
    """

    def __init__(self, env: EmbodiedEnv, render_mode: str | None = None) -> None:
        if env.num_envs != 1:
            raise ValueError(f"SingleGymEnv wraps exactly one env, got num_envs={env.num_envs}")
        self._env = env
        self.observation_space = env.single_observation_space
        self.action_space = env.single_action_space
        self.metadata = _export_metadata(env)
        self.render_mode = _checked_render_mode(render_mode, self.metadata)

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """Start a new episode (a seed makes it reproducible)."""
        super().reset(seed=seed)
        obs, _ = self._env.reset(seed=seed, options=options)
        return _row(_observation_to_numpy(obs), 0), {}

    def step(self, action: np.ndarray) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        """Advance one step; when the episode ends the final observation is returned."""
        batched = _to_action_tensor(action, self._env)
        obs, reward, terminated, truncated, info = self._env.step(batched)
        done_flags = _to_numpy(torch.stack([terminated[0], truncated[0]]))
        is_terminated, is_truncated = bool(done_flags[0]), bool(done_flags[1])
        if is_terminated or is_truncated:
            obs = info["final_obs"]
        return (
            _row(_observation_to_numpy(obs), 0),
            float(_to_numpy(reward)[0]),
            is_terminated,
            is_truncated,
            _scalar_info(_step_info(info), 0),
        )

    def render(self) -> np.ndarray | None:
        """An RGB frame when made with ``render_mode="rgb_array"``, else ``None``."""
        if self.render_mode != "rgb_array":
            return None
        return np.asarray(self._env.render())

    def close(self) -> None:
        """Close the wrapped env (safe to call twice)."""
        self._env.close()


class VectorGymEnv(gym.vector.VectorEnv):
    """A batched :class:`EmbodiedEnv` behind Gymnasium's ``VectorEnv`` API, numpy in and out.

    Auto-reset follows ``AutoresetMode.SAME_STEP``: a finished env returns its new episode's
    first observation, with ``info["final_obs"]`` (object array, ``None`` elsewhere) and
    ``info["final_info"]`` holding the finished episode's last observation and step info under
    the ``_final_obs`` / ``_final_info`` masks. The step info of still-running envs
    (``rewards``, ``metrics`` and ``is_success`` arrays) sits at the top level under their own
    ``_key`` masks -- the layout Gymnasium's ``SyncVectorEnv`` gives, so wrappers such as
    ``gymnasium.wrappers.vector.RecordEpisodeStatistics`` work on top. One seed seeds the
    whole batch.
    """

    def __init__(self, env: EmbodiedEnv, render_mode: str | None = None) -> None:
        self._env = env
        self.num_envs = env.num_envs
        self.single_observation_space = env.single_observation_space
        self.single_action_space = env.single_action_space
        self.observation_space = batch_space(env.single_observation_space, env.num_envs)
        self.action_space = batch_space(env.single_action_space, env.num_envs)
        self.metadata = {**_export_metadata(env), "autoreset_mode": AutoresetMode.SAME_STEP}
        self.render_mode = _checked_render_mode(render_mode, self.metadata)

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """Reset every env; ``seed`` must be one int (the batch is seeded as a whole)."""
        if seed is not None and not isinstance(seed, int | np.integer):
            raise TypeError(f"{type(self).__name__} takes one int seed for the batch, got {seed!r}")
        super().reset(seed=seed)
        obs, _ = self._env.reset(seed=seed, options=options)
        return _observation_to_numpy(obs), {}

    def step(
        self, actions: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
        """Step every env with ``actions`` ``[num_envs, A]``."""
        obs, reward, terminated, truncated, info = self._env.step(
            _to_action_tensor(actions, self._env)
        )
        terminated_np = _to_numpy(terminated).astype(bool)
        truncated_np = _to_numpy(truncated).astype(bool)
        done = terminated_np | truncated_np
        step_info = _to_numpy_tree(_step_info(info))
        infos: dict[str, Any] = {}
        if not done.all():
            infos.update(_masked_info(step_info, ~done))
        if done.any():
            final_obs = _observation_to_numpy(info["final_obs"])
            infos["final_obs"] = np.full(self.num_envs, None, dtype=object)
            for i in np.flatnonzero(done):
                infos["final_obs"][i] = _row(final_obs, int(i))
            infos["_final_obs"] = done.copy()
            infos["final_info"] = _masked_info(step_info, done)
            infos["_final_info"] = done.copy()
        return (
            _observation_to_numpy(obs),
            _to_numpy(reward).astype(np.float64),
            terminated_np,
            truncated_np,
            infos,
        )

    def render(self) -> tuple[np.ndarray, ...] | None:
        """Env 0's RGB frame (as a one-frame tuple) when made with ``render_mode="rgb_array"``."""
        if self.render_mode != "rgb_array":
            return None
        return (np.asarray(self._env.render()),)

    def close_extras(self, **kwargs: Any) -> None:
        """Close the wrapped batched env."""
        self._env.close()


def _ensure_builtin_envs(env_id: str) -> None:
    """Import the built-in envs when ``env_id`` is not known yet (e.g. in a fresh worker)."""
    if env_id not in registered_envs():
        importlib.import_module("embodichain_rl.envs")


def _export_metadata(env: EmbodiedEnv) -> dict[str, Any]:
    """Render modes the env can really serve (none if it keeps the base ``render``)."""
    can_render = type(env).render is not EmbodiedEnv.render
    modes = list(env.metadata.get("render_modes", [])) if can_render else []
    return {"render_modes": modes, "render_fps": env.metadata.get("render_fps")}


def _checked_render_mode(render_mode: str | None, metadata: dict[str, Any]) -> str | None:
    if render_mode is not None and render_mode not in metadata["render_modes"]:
        raise ValueError(
            f"render_mode {render_mode!r} is not supported; choose from {metadata['render_modes']}"
        )
    return render_mode


def _to_action_tensor(action: np.ndarray, env: EmbodiedEnv) -> torch.Tensor:
    array = np.asarray(action, dtype=np.float32).reshape(env.num_envs, -1)
    return torch.from_numpy(array).to(env.device)


def _to_numpy(tensor: torch.Tensor) -> np.ndarray:
    """A fresh host copy, never a view onto a buffer the env may overwrite."""
    return tensor.detach().cpu().numpy().copy()


def _observation_to_numpy(obs: Observation) -> np.ndarray | dict[str, np.ndarray]:
    """Host copies of an observation: one array, or a dict of arrays (images keep uint8)."""
    if isinstance(obs, dict):
        return {key: _to_numpy(value) for key, value in obs.items()}
    return _to_numpy(obs)


def _row(obs: np.ndarray | dict[str, np.ndarray], index: int) -> np.ndarray | dict[str, np.ndarray]:
    """Env ``index``'s observation out of a batched one (same structure)."""
    if isinstance(obs, dict):
        return {key: value[index] for key, value in obs.items()}
    return obs[index]


def _step_info(info: dict[str, Any]) -> dict[str, Any]:
    """The per-env step info exported to Gymnasium: reward terms, metrics, ``is_success``."""
    exported: dict[str, Any] = {
        "rewards": dict(info.get("rewards", {})),
        "metrics": dict(info.get("metrics", {})),
    }
    if "success" in exported["metrics"]:
        exported["is_success"] = exported["metrics"]["success"]
    return exported


def _to_numpy_tree(tree: dict[str, Any]) -> dict[str, Any]:
    return {
        key: _to_numpy_tree(value) if isinstance(value, dict) else _to_numpy(value)
        for key, value in tree.items()
    }


def _scalar_info(tree: dict[str, Any], index: int) -> dict[str, Any]:
    """Env ``index``'s entries as python scalars (numpy arrays for non-scalar entries)."""
    out: dict[str, Any] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            out[key] = _scalar_info(value, index)
        else:
            row = _to_numpy(value[index])
            out[key] = row.item() if row.ndim == 0 else row
    return out


def _masked_info(tree: dict[str, np.ndarray | dict[str, Any]], mask: np.ndarray) -> dict[str, Any]:
    """Gymnasium's vector-info layout: each ``key`` zeroed outside ``mask``, plus ``_key``."""
    out: dict[str, Any] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            out[key] = _masked_info(value, mask)
        else:
            row_mask = mask.reshape(-1, *([1] * (value.ndim - 1)))
            out[key] = np.where(row_mask, value, np.zeros_like(value))
        out[f"_{key}"] = mask.copy()
    return out
