"""Env-only throughput of any env config, as ``embodichain-bench env`` measures PushCube:
the env alone on the run's device, stepped with seeded uniform random actions (no policy,
no learner), timed after a few untimed warm-up steps."""

from __future__ import annotations

import json
import time

import gymnasium as gym
import torch
from omegaconf import DictConfig, OmegaConf

from embodichain_rl.envs.base import EmbodiedEnv
from embodichain_rl.policies.spaces import action_nvec
from embodichain_rl.trainer.build import build_env


def random_actions(env: EmbodiedEnv, count: int, generator: torch.Generator) -> torch.Tensor:
    """``count`` batches of uniform random actions ``[count, num_envs, K]`` on the env's
    device: within the ``Box`` bounds (an infinite bound counts as +-1), or integer choices
    per component of a ``Discrete`` / ``MultiDiscrete`` space."""
    device, n = generator.device, env.num_envs
    nvec = action_nvec(env.single_action_space)
    if nvec is not None:
        columns = [
            torch.randint(0, k, (count, n, 1), generator=generator, device=device) for k in nvec
        ]
        return torch.cat(columns, dim=-1)
    space = env.single_action_space
    assert isinstance(space, gym.spaces.Box)
    low = torch.as_tensor(space.low, dtype=torch.float32).reshape(-1)
    high = torch.as_tensor(space.high, dtype=torch.float32).reshape(-1)
    low = torch.where(torch.isfinite(low), low, torch.full_like(low, -1.0)).to(device)
    high = torch.where(torch.isfinite(high), high, torch.full_like(high, 1.0)).to(device)
    unit = torch.rand(count, n, low.numel(), generator=generator, device=device)
    return low + unit * (high - low)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


@torch.no_grad()
def env_only_fps(
    env_cfg: DictConfig, device: torch.device, *, steps: int, warmup: int = 10, seed: int = 0
) -> float:
    """Env steps per second (``num_envs * steps / seconds``) of the env ``env_cfg`` builds on
    ``device``, over ``steps`` timed steps after ``warmup`` untimed ones."""
    env = build_env(env_cfg, device=device)
    try:
        env.reset(seed=seed)
        generator = torch.Generator(device=device).manual_seed(seed)
        actions = random_actions(env, warmup + steps, generator)
        for t in range(warmup):
            env.step(actions[t])
        _sync(device)
        start = time.perf_counter()
        for t in range(warmup, warmup + steps):
            env.step(actions[t])
        _sync(device)
        elapsed = time.perf_counter() - start
    finally:
        env.close()
    return env.num_envs * steps / max(elapsed, 1e-9)


class EnvFpsCache:
    """Measures each distinct env config once per process (the cells of a task share it)."""

    def __init__(self, device: torch.device, *, steps: int) -> None:
        self.device = device
        """Where the envs run."""
        self.steps = steps
        """Timed steps per measurement (0: do not measure)."""
        self._measured: dict[str, float] = {}

    def fps(self, env_cfg: DictConfig) -> float | None:
        """The env-only steps/s of ``env_cfg`` (``None`` when measuring is off)."""
        if self.steps <= 0:
            return None
        key = json.dumps(OmegaConf.to_container(env_cfg, resolve=True), sort_keys=True)
        if key not in self._measured:
            self._measured[key] = env_only_fps(env_cfg, self.device, steps=self.steps)
        return self._measured[key]
