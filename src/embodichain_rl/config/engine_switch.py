"""Scoring a PushCube checkpoint on another PushCube engine (sim-to-sim).

``embodichain-eval checkpoint=... env.env_id=PushCubeMuJoCo`` keeps the saved *task* (control
mode, ranges, rewards, thresholds) and takes the target engine's own settings from its
schema's defaults, since engine fields either do not exist on the other side (``backend``)
or mean something else there (``sim_substeps``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from embodichain_rl.envs.push_cube.config import PushCubeConfig

ENGINE_SPECIFIC = frozenset({"sim_substeps"})
"""PushCubeConfig fields whose meaning depends on the engine."""
TASK_FIELDS = frozenset(f.name for f in dataclasses.fields(PushCubeConfig)) - ENGINE_SPECIFIC
"""Fields every PushCube engine shares with the same meaning."""
RUN_FIELDS = frozenset({"num_envs", "max_episode_steps"})
"""Env-config fields that belong to the run, not the engine."""


def push_cube_engines() -> dict[str, type]:
    """Env schema by registered env id, for every PushCube engine."""
    from embodichain_rl.config.schema import GROUP_SCHEMAS

    return {
        schema.env_id: schema
        for schema in GROUP_SCHEMAS["env"].values()
        if issubclass(schema, PushCubeConfig)
    }


def switch_engine(saved_env: Mapping[str, Any], env_id: Any) -> dict[str, Any] | None:
    """The env config running ``saved_env``'s task on the engine ``env_id``, or ``None`` when
    ``env_id`` is not another PushCube engine (then it is a plain override)."""
    engines = push_cube_engines()
    current = saved_env.get("env_id")
    if env_id == current or env_id not in engines or current not in engines:
        return None
    target = dataclasses.asdict(engines[env_id]())
    kept = {k: v for k, v in saved_env.items() if k in TASK_FIELDS | RUN_FIELDS}
    return {**target, **kept, "env_id": env_id}
