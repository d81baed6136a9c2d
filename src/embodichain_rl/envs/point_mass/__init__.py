"""PointMass (``PointMassRL``): a damped 2-D point mass to a goal past two discs, batched
in pure PyTorch and differentiable (a :class:`~embodichain_rl.envs.DifferentiableEnv`)."""

from __future__ import annotations

from embodichain_rl.envs.point_mass.config import PointMassConfig
from embodichain_rl.envs.point_mass.env import PointMassEnv

__all__ = ["PointMassConfig", "PointMassEnv"]
