"""What the PushCube MuJoCo env needs from an engine: batched state views, a held-control
step and masked state writes."""

from __future__ import annotations

from typing import Protocol

import torch


class PhysicsBackend(Protocol):
    """``num_envs`` copies of one MuJoCo model stepped together."""

    device: torch.device
    """Where ``qpos`` / ``qvel`` live (the CPU for ``mujoco``)."""

    def qpos(self) -> torch.Tensor:
        """Generalised positions ``[N, nq]`` in the engine's precision (a fresh tensor)."""
        ...

    def qvel(self) -> torch.Tensor:
        """Generalised velocities ``[N, nv]`` in the engine's precision (a fresh tensor)."""
        ...

    def step(self, ctrl: torch.Tensor) -> None:
        """Hold actuator targets ``ctrl [N, nu]`` for one control step (all substeps)."""
        ...

    def write(self, mask: torch.Tensor, qpos: torch.Tensor, qvel: torch.Tensor) -> None:
        """Replace the state of the envs where ``mask [N]`` is true (other envs untouched)."""
        ...

    def state_dict(self) -> dict[str, torch.Tensor]:
        """Everything the next step depends on, in the engine's precision (copies)."""
        ...

    def load_state_dict(self, state: dict[str, torch.Tensor]) -> None:
        """Restore what ``state_dict`` returned (same keys and shapes)."""
        ...

    def close(self) -> None:
        """Release threads or device memory."""
        ...
