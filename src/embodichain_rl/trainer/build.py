"""The one place that turns a composed config into env, policy and algorithm objects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from hydra.utils import get_class, instantiate
from omegaconf import DictConfig, OmegaConf

from embodichain_rl.algorithms import BaseAlgorithm
from embodichain_rl.distributed.context import SINGLE_PROCESS, DistributedContext, rank_seed
from embodichain_rl.envs.base import EmbodiedEnv
from embodichain_rl.policies import Policy, policy_space_kwargs
from embodichain_rl.policies.spaces import (
    ACTION_BOUND_KEYS,
    VOCABULARY_KEY,
    accepts_action_bounds,
    accepts_instruction_vocabulary,
    action_bounds_kwargs,
    instruction_vocabulary_kwargs,
)
from embodichain_rl.trainer.video import render_overrides
from embodichain_rl.utils.compile import AUTO


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


def policy_class_of(policy_cfg: DictConfig | dict[str, Any]) -> type | None:
    """The class a policy config's ``_target_`` names (``None`` without a ``_target_``)."""
    target = policy_cfg.get("_target_")
    return None if target is None else get_class(str(target))


def policy_spec_of(
    env: EmbodiedEnv, policy_cfg: DictConfig | dict[str, Any] | None = None
) -> dict[str, Any]:
    """The env facts a policy is built from: observation and action sizes, plus the
    action bounds (``action_low`` / ``action_high``) when the policy config's class has
    ``accepts_action_bounds = True``, and the env's ``instruction_vocabulary`` when it has
    ``accepts_instruction_vocabulary = True``."""
    spec = policy_space_kwargs(env)
    policy_class = None if policy_cfg is None else policy_class_of(policy_cfg)
    if policy_class is not None and accepts_action_bounds(policy_class):
        spec.update(action_bounds_kwargs(env))
    if policy_class is not None and accepts_instruction_vocabulary(policy_class):
        spec.update(instruction_vocabulary_kwargs(env))
    return spec


def build_policy(policy_cfg: DictConfig | dict[str, Any], spec: dict[str, Any]) -> Policy:
    """Instantiate a policy config with the env facts of ``spec`` (bounds in ``spec`` are
    passed only to a policy class that accepts them)."""
    policy_class = policy_class_of(policy_cfg)
    if policy_class is None or not accepts_action_bounds(policy_class):
        spec = {k: v for k, v in spec.items() if k not in ACTION_BOUND_KEYS}
    if policy_class is None or not accepts_instruction_vocabulary(policy_class):
        spec = {k: v for k, v in spec.items() if k != VOCABULARY_KEY}
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
    start from rank 0's policy; an algorithm that cannot synchronise fails here, loudly), and
    an algorithm without its own ``seed`` gets this rank's seed, so ranks draw different
    warm-up actions, exploration noise and minibatches.
    ``runtime.compile`` selects the algorithm's eager or compiled hot path (``auto`` starts
    eager; the trainer decides after the first iteration)."""
    env = build_env(cfg.env, device=device)
    eval_env = build_env(eval_env_config(cfg), device=device, num_envs=cfg.eval.num_envs)
    spec = policy_spec_of(env, cfg.policy)
    policy = build_policy(cfg.policy, spec).to(device)
    run_defaults = {
        "total_updates": cfg.runtime.iterations,
        "seed": rank_seed(cfg.runtime.seed, distributed.rank),
    }
    extra: dict[str, Any] = {
        k: v for k, v in run_defaults.items() if cfg.algorithm.get(k, v) is None
    }
    if distributed.enabled:
        extra["distributed"] = distributed
    algorithm = instantiate(cfg.algorithm, policy=policy, device=device, _convert_="all", **extra)
    mode = str(cfg.runtime.compile)
    algorithm.use_compile("none" if mode == AUTO else mode)
    return Components(
        env=env, eval_env=eval_env, policy=policy, algorithm=algorithm, policy_spec=spec
    )
