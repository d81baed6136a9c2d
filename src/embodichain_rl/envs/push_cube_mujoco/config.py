"""PushCube on MuJoCo: the task parameters of ``PushCubeConfig`` plus the engine's own."""

from __future__ import annotations

from dataclasses import dataclass

from embodichain_rl.envs.push_cube.config import PushCubeConfig

BACKENDS = ("mujoco", "mujoco_warp")


@dataclass
class PushCubeMuJoCoConfig(PushCubeConfig):
    """Every ``PushCubeConfig`` field keeps its meaning; the MuJoCo scene adds the drive, the
    contact softness and the backend. ``sim_substeps`` is the number of MuJoCo steps per
    control step (timestep = control_dt / sim_substeps)."""

    sim_substeps: int = 10
    """MuJoCo steps per control step (>= 1); 10 gives a 4 ms timestep at 25 Hz."""
    backend: str = "mujoco"
    """Engine: ``mujoco`` (CPU, threaded rollout) or ``mujoco_warp`` (the run's device)."""
    threads: int = 0
    """mujoco backend: worker threads (0: torch's intra-op thread count)."""
    joint_stiffness: float = 4000.0
    """Position-actuator gain of every arm joint (N m / rad, > 0)."""
    joint_damping: float = 120.0
    """Velocity gain of every arm joint's actuator (N m s / rad, >= 0)."""
    joint_armature: float = 0.2
    """Rotor inertia added to every arm joint (kg m^2, >= 0); steadies the stiff drive."""
    link_mass: float = 1.0
    """Mass of each of the six arm links (kg, > 0); gravity is compensated."""
    ik_iterations: int = 3
    """ee_delta_pos: damped-least-squares iterations from the TCP target to joint targets."""
    ik_damping: float = 0.01
    """ee_delta_pos: damping of the least-squares inverse (m, > 0)."""
    max_contacts_per_env: int = 16
    """mujoco_warp: contact slots per world (>= 8: the cube's face on the table uses 4-8)."""

    def validate(self) -> None:
        """``PushCubeConfig``'s checks plus the engine fields'."""
        super().validate()
        if self.obs_mode != "state":
            raise ValueError(
                f"obs_mode must be 'state' on PushCubeMuJoCo, got {self.obs_mode!r}: the camera "
                "observations (rgb, rgb_state) are PushCubeRL's (env=push_cube)"
            )
        if self.backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, got {self.backend!r}")
        for name in ("joint_stiffness", "link_mass", "ik_damping"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)}")
        for name in ("joint_damping", "joint_armature", "threads", "ik_iterations"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")
        if self.max_contacts_per_env < 8:
            raise ValueError(f"max_contacts_per_env must be >= 8, got {self.max_contacts_per_env}")
