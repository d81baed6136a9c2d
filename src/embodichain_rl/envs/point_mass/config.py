"""Every PointMass parameter, with its meaning, unit and range (EmbodiChain's values)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass
class PointMassConfig:
    """PointMass task parameters: a damped 2-D point mass steered to a goal past two discs.

    Units are arbitrary lengths (the workspace is ``[-workspace_half, workspace_half]^2``),
    seconds and mass units; the defaults are EmbodiChain's ``PointMassRL``.
    """

    workspace_half: float = 1.0
    """Half the side of the square workspace; the position is clamped to it (> 0)."""
    mass: float = 1.0
    """Point mass (> 0)."""
    force_scale: float = 5.0
    """Force per unit action (> 0); actions are clipped to [-1, 1] per axis."""
    linear_damping: float = 5.0
    """Velocity damping rate (1/s, >= 0); each step scales velocity by 1 - damping * dt."""
    dt: float = 1.0 / 60.0
    """Control step duration (s, > 0; linear_damping * dt must stay <= 1)."""
    success_threshold: float = 0.03
    """Goal distance below which the episode succeeds and terminates (> 0)."""
    success_bonus: float = 0.0
    """Reward added on the success step (>= 0; EmbodiChain's PPO config uses 5)."""
    distance_weight: float = 1.0
    """Weight of the -distance-to-goal reward term (>= 0)."""
    proximity_weight: float = 0.5
    """Weight of the Gaussian proximity bonus exp(-d^2 / (2 sigma^2)) (>= 0)."""
    proximity_sigma: float = 0.05
    """Width sigma of the proximity bonus (> 0)."""
    collision_weight: float = 2.0
    """Weight of the -sum(penetration^2) obstacle penalty (>= 0)."""
    velocity_weight: float = 0.01
    """Weight of the -|velocity|^2 penalty (>= 0)."""
    action_rate_weight: float = 0.001
    """Weight of the -|action - previous action|^2 penalty (>= 0)."""
    goal_range: float = 0.7
    """Goals are uniform in [-goal_range, goal_range]^2 * workspace_half (in (0, 1])."""
    start_range: float = 0.6
    """Starts are uniform in [-start_range, start_range]^2 * workspace_half (in (0, 1])."""
    obstacle_range: float = 0.8
    """Obstacle centres are uniform in [-obstacle_range, obstacle_range]^2 * workspace_half."""
    obstacle_radius_min: float = 0.08
    """Smallest obstacle radius (> 0)."""
    obstacle_radius_max: float = 0.15
    """Largest obstacle radius (>= obstacle_radius_min)."""
    obstacle_min_goal_distance: float = 0.25
    """Obstacle centres are redrawn until this far from the goal (>= 0)."""
    obstacle_attempts: int = 8
    """Candidate draws per obstacle; none far enough puts it at -0.5 * goal (>= 1)."""

    @classmethod
    def field_names(cls) -> list[str]:
        """Names of every parameter."""
        return [f.name for f in dataclasses.fields(cls)]

    def replace(self, **overrides: Any) -> PointMassConfig:
        """A copy with ``overrides``; unknown keys raise ``TypeError`` listing the valid ones."""
        valid = set(PointMassConfig.field_names())
        unknown = [key for key in overrides if key not in valid]
        if unknown:
            raise TypeError(
                f"PointMassEnv got an unexpected keyword argument {unknown[0]!r}; "
                f"valid keys: {sorted(valid)}"
            )
        cfg = dataclasses.replace(self, **overrides)
        cfg.validate()
        return cfg

    def validate(self) -> None:
        """Raise one ``ValueError`` naming every out-of-range parameter."""
        problems = [
            f"{name} must be > 0, got {getattr(self, name)}"
            for name in (
                "workspace_half",
                "mass",
                "force_scale",
                "dt",
                "success_threshold",
                "proximity_sigma",
                "obstacle_radius_min",
            )
            if not getattr(self, name) > 0
        ]
        problems += [
            f"{name} must be >= 0, got {getattr(self, name)}"
            for name in (
                "linear_damping",
                "success_bonus",
                "distance_weight",
                "proximity_weight",
                "collision_weight",
                "velocity_weight",
                "action_rate_weight",
                "obstacle_min_goal_distance",
            )
            if getattr(self, name) < 0
        ]
        problems += [
            f"{name} must be in (0, 1], got {getattr(self, name)}"
            for name in ("goal_range", "start_range", "obstacle_range")
            if not 0 < getattr(self, name) <= 1
        ]
        if self.obstacle_radius_max < self.obstacle_radius_min:
            problems.append(
                f"obstacle_radius_max must be >= obstacle_radius_min "
                f"({self.obstacle_radius_min}), got {self.obstacle_radius_max}"
            )
        if self.linear_damping * self.dt > 1:
            problems.append(
                f"linear_damping * dt must be <= 1, got {self.linear_damping} * {self.dt}"
            )
        if self.obstacle_attempts < 1:
            problems.append(f"obstacle_attempts must be >= 1, got {self.obstacle_attempts}")
        if problems:
            raise ValueError("invalid PointMass env config: " + "; ".join(problems))
