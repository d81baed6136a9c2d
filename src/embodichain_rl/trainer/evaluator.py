"""Deterministic, seeded evaluation: exactly one complete episode per eval env."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from embodichain_rl.envs.base import EmbodiedEnv
from embodichain_rl.policies import Policy


@dataclass(frozen=True)
class EvalResult:
    """Outcome of one evaluation round (means over ``episodes`` complete episodes)."""

    episodes: int
    success_rate: float
    return_mean: float
    return_std: float
    length_mean: float

    def as_scalars(self, prefix: str = "eval/") -> dict[str, float]:
        """Flat ``{tag: value}`` mapping for the loggers."""
        return {
            f"{prefix}success_rate": self.success_rate,
            f"{prefix}episode_return": self.return_mean,
            f"{prefix}episode_return_std": self.return_std,
            f"{prefix}episode_length": self.length_mean,
        }


class Evaluator:
    """Runs every env of ``env`` through its first episode with deterministic actions.

    The same ``seed`` is used at every round, so rounds are comparable. Episodes that
    finish early are not restarted into the statistics (auto-reset data is ignored), which
    avoids the bias of counting the first N completions across envs.
    """

    def __init__(self, *, env: EmbodiedEnv, seed: int, check_every: int = 16) -> None:
        if env.max_episode_steps is None:
            raise ValueError("evaluation needs an env with a time limit (max_episode_steps)")
        self.env = env
        self.seed = seed
        self.check_every = check_every

    @torch.no_grad()
    def evaluate(self, policy: Policy) -> EvalResult:
        env = self.env
        was_training = policy.training
        policy.eval()
        obs, _ = env.reset(seed=self.seed)
        n = env.num_envs
        device = obs.device
        active = torch.ones(n, dtype=torch.bool, device=device)
        returns = torch.zeros(n, device=device)
        lengths = torch.zeros(n, device=device)
        success = torch.zeros(n, dtype=torch.bool, device=device)
        max_steps = int(env.max_episode_steps or 0)
        for step in range(max_steps):
            action, _, _ = policy.get_action(obs, deterministic=True)
            obs, reward, terminated, truncated, info = env.step(action)
            returns += torch.where(active, reward, torch.zeros_like(reward))
            lengths += active.float()
            step_success = info.get("metrics", {}).get("success")
            if step_success is not None:
                success |= active & step_success.to(torch.bool)
            active &= ~(terminated | truncated)
            if (step + 1) % self.check_every == 0 and not bool(active.any()):
                break
        if bool(active.any()):
            raise RuntimeError(
                f"evaluation: {int(active.sum())} envs did not finish within "
                f"max_episode_steps={max_steps}"
            )
        policy.train(was_training)
        stats = torch.stack(
            [success.float().mean(), returns.mean(), returns.std(unbiased=False), lengths.mean()]
        ).tolist()
        return EvalResult(n, *stats)

    @staticmethod
    def success_interval(result: EvalResult, z: float = 1.96) -> tuple[float, float]:
        """Wilson score interval (95 % by default) for the success rate."""
        n, p = result.episodes, result.success_rate
        denom = 1.0 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        return max(0.0, centre - half), min(1.0, centre + half)
