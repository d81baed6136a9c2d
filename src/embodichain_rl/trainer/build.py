"""The one place that turns a composed config into env, policy and algorithm objects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from embodichain_rl.algorithms import BaseAlgorithm
from embodichain_rl.distributed.context import SINGLE_PROCESS, DistributedContext
from embodichain_rl.envs.base import EmbodiedEnv
from embodichain_rl.policies import Policy, policy_space_kwargs
from embodichain_rl.trainer.video import render_overrides


@dataclass
class Components:
    """Everything a training run needs, built on one device."""

    env: EmbodiedEnv
    eval_env: EmbodiedEnv
    policy: Policy
    algorithm: BaseAlgorithm
    policy_spec: dict[str, Any]
    """What the policy was built with besides its config (dims and action space), plain
    data: a checkpoint keeps it so the policy can be rebuilt without an env."""


def build_env(env_cfg: DictConfig, *, device: torch.device, num_envs: int | None = None) -> Any:
    """Instantiate an env config on ``device`` (optionally with another ``num_envs``)."""
    overrides: dict[str, Any] = {"device": str(device)}
    if num_envs is not None:
        overrides["num_envs"] = num_envs
    return instantiate(env_cfg, _convert_="all", **overrides)


def policy_spec_of(env: EmbodiedEnv) -> dict[str, Any]:
    """The env facts a policy is built from: observation and action sizes."""
    return policy_space_kwargs(env)


def build_policy(policy_cfg: DictConfig | dict[str, Any], spec: dict[str, Any]) -> Policy:
    """Instantiate a policy config with the env facts of ``spec``."""
    return instantiate(policy_cfg, **spec, _convert_="all")


def eval_env_config(cfg: DictConfig) -> DictConfig:
    """The eval env's config: the training env's, made to render when videos are asked for
    (a Gymnasium env then gets ``render_mode="rgb_array"``)."""
    if not cfg.eval.video_freq:
        return cfg.env
    env_cfg = cfg.env.copy()
    for key, value in render_overrides(env_cfg).items():
        OmegaConf.update(env_cfg, key, value, force_add=True)
    return env_cfg


def build_components(
    cfg: DictConfig, device: torch.device, distributed: DistributedContext = SINGLE_PROCESS
) -> Components:
    """Build training env, eval env, policy and algorithm; runtime-only values (dims,
    device, iteration count) are passed here rather than interpolated in the config.

    Under data-parallel training the algorithm gets ``distributed`` (it makes every rank
    start from rank 0's policy; an algorithm that cannot synchronise fails here, loudly).
    ``runtime.compile`` selects the algorithm's eager or compiled hot path."""
    env = build_env(cfg.env, device=device)
    eval_env = build_env(eval_env_config(cfg), device=device, num_envs=cfg.eval.num_envs)
    spec = policy_spec_of(env)
    policy = build_policy(cfg.policy, spec).to(device)
    run_defaults = {"total_updates": cfg.runtime.iterations, "seed": cfg.runtime.seed}
    extra: dict[str, Any] = {
        k: v for k, v in run_defaults.items() if cfg.algorithm.get(k, v) is None
    }
    if distributed.enabled:
        extra["distributed"] = distributed
    algorithm = instantiate(cfg.algorithm, policy=policy, device=device, _convert_="all", **extra)
    algorithm.use_compile(cfg.runtime.compile)
    return Components(
        env=env, eval_env=eval_env, policy=policy, algorithm=algorithm, policy_spec=spec
    )
