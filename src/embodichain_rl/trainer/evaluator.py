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
    """Complete episodes scored (one per eval env)."""
    success_rate: float | None
    """Fraction of episodes with ``metrics["success"]``; ``None`` when the env reports none."""
    return_mean: float
    """Mean undiscounted episode return."""
    return_std: float
    """Population standard deviation of the episode returns."""
    length_mean: float
    """Mean episode length in env steps."""

    def as_scalars(self, prefix: str = "eval/") -> dict[str, float]:
        """Flat ``{tag: value}`` mapping for the loggers (only metrics the env has)."""
        scalars = {
            f"{prefix}episode_return": self.return_mean,
            f"{prefix}episode_return_std": self.return_std,
            f"{prefix}episode_length": self.length_mean,
        }
        if self.success_rate is not None:
            scalars[f"{prefix}success_rate"] = self.success_rate
        return scalars

    def describe(self) -> str:
        """One line: success (where reported), return and length over the episodes."""
        success = "" if self.success_rate is None else f"success {self.success_rate:.3f}, "
        return (
            f"{success}return {self.return_mean:.2f} ± {self.return_std:.2f}, length "
            f"{self.length_mean:.1f} over {self.episodes} episodes"
        )


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
        device = env.device
        active = torch.ones(n, dtype=torch.bool, device=device)
        returns = torch.zeros(n, device=device)
        lengths = torch.zeros(n, device=device)
        success = torch.zeros(n, dtype=torch.bool, device=device)
        reports_success = False
        max_steps = int(env.max_episode_steps or 0)
        for step in range(max_steps):
            action, _, _ = policy.get_action(obs, deterministic=True)
            obs, reward, terminated, truncated, info = env.step(action)
            returns += torch.where(active, reward, torch.zeros_like(reward))
            lengths += active.float()
            step_success = info.get("metrics", {}).get("success")
            if step_success is not None:
                reports_success = True
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
        success_rate, return_mean, return_std, length_mean = stats
        return EvalResult(
            n, success_rate if reports_success else None, return_mean, return_std, length_mean
        )

    @staticmethod
    def success_interval(result: EvalResult, z: float = 1.96) -> tuple[float, float] | None:
        """Wilson score interval (95 % by default) for the success rate (``None`` when the
        env reports no success)."""
        if result.success_rate is None:
            return None
        n, p = result.episodes, result.success_rate
        denom = 1.0 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        return max(0.0, centre - half), min(1.0, centre + half)
