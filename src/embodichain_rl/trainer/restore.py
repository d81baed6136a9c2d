"""Rebuild env and policy from the config saved inside a checkpoint (eval and export)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from omegaconf import DictConfig, OmegaConf

from embodichain_rl.envs.base import EmbodiedEnv
from embodichain_rl.policies import Policy
from embodichain_rl.trainer.build import build_env, build_policy, policy_spec_of
from embodichain_rl.trainer.checkpoint import (
    CheckpointError,
    load_checkpoint,
    load_module_state,
    resolve_checkpoint,
)
from embodichain_rl.trainer.run import import_user_modules


@dataclass
class RestoredPolicy:
    """A checkpoint's policy (eval mode) with the env it was trained on."""

    path: Path
    config: DictConfig
    env: EmbodiedEnv
    policy: Policy
    payload: dict[str, Any]


def restore_policy(
    checkpoint: str | Path,
    *,
    device: torch.device,
    num_envs: int | None = None,
    overrides: dict[str, Any] | None = None,
    env_config: Mapping[str, Any] | None = None,
) -> RestoredPolicy:
    """Load ``checkpoint``, apply dotted ``overrides`` (``{"env.control_mode": ...}``) to its
    saved config (whose env section ``env_config`` replaces when given), build the env
    (``num_envs`` of them) and the policy, load the weights."""
    path = resolve_checkpoint(checkpoint)
    payload = load_checkpoint(path, map_location=device)
    saved = payload.get("config")
    if not isinstance(saved, dict) or "env" not in saved or "policy" not in saved:
        raise CheckpointError(f"{path} holds no env/policy config to rebuild the policy from")
    config = OmegaConf.create(saved)
    if env_config is not None:
        config.env = OmegaConf.create(dict(env_config))
    for key, value in (overrides or {}).items():
        OmegaConf.update(config, key, value, force_add=True)
    import_user_modules(list(config.get("runtime", {}).get("imports", [])))
    env = build_env(config.env, device=device, num_envs=num_envs)
    policy = build_policy(config.policy, policy_spec_of(env, config.policy)).to(device)
    load_module_state(policy, payload["policy"], source=str(path))
    policy.eval()
    return RestoredPolicy(path=path, config=config, env=env, policy=policy, payload=payload)
