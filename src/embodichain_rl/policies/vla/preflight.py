"""The VLA's checks of its config against the env's observation, one line each, runnable
on a composed config before anything is built (and again by the constructor)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from embodichain_rl.policies.kwargs import config_from_kwargs
from embodichain_rl.policies.vla.backbone import model_path_problem
from embodichain_rl.policies.vla.config import VLAConfig


def as_vla_config(policy_cfg: Any) -> VLAConfig:
    """A ``VLAConfig`` from itself or from a composed ``policy`` mapping."""
    if isinstance(policy_cfg, VLAConfig):
        return policy_cfg
    from omegaconf import OmegaConf

    plain = policy_cfg
    if not isinstance(plain, dict):
        plain = OmegaConf.to_container(policy_cfg, resolve=True)
    options = {k: v for k, v in plain.items() if not str(k).startswith("_")}
    return config_from_kwargs(VLAConfig, "VLAPolicy", options)


def vla_observation_problem(
    policy_cfg: Any,
    shapes: Mapping[str, Sequence[int]],
    action_nvec: Sequence[int] | None = None,
    vocabulary: Sequence[str] | None = (),
) -> str | None:
    """Why the VLA cannot read this env, or ``None``: a missing model directory, an
    image / instruction / state key the observation lacks, discrete actions."""
    cfg = as_vla_config(policy_cfg)
    problem = model_path_problem(cfg.model_path)
    if problem is not None:
        return problem
    keys = list(shapes)
    if cfg.image_key not in shapes or len(shapes[cfg.image_key]) != 3:
        return f"policy.image_key={cfg.image_key}: no camera image of that name in {keys}"
    if cfg.instruction_key not in shapes or len(shapes[cfg.instruction_key]) != 1:
        return (
            f"policy.instruction_key={cfg.instruction_key}: no instruction of that name in "
            f"{keys}; the VLA needs a language-conditioned env (env=push_cube_language)"
        )
    if cfg.state_key is not None and cfg.state_key not in shapes:
        return f"policy.state_key={cfg.state_key}: not in {keys}; set policy.state_key=null"
    if action_nvec is not None:
        return "policy=vla emits continuous action tokens; this env has discrete actions"
    if vocabulary is None:
        return "policy=vla needs an env with an instruction_vocabulary (env=push_cube_language)"
    side = max(int(v) for v in shapes[cfg.image_key][1:])
    if cfg.model_path is None and side % cfg.tiny.patch_size:
        return (
            f"policy.tiny.patch_size={cfg.tiny.patch_size} does not divide the camera side "
            f"{side}: choose a divisor of {side}"
        )
    return None
