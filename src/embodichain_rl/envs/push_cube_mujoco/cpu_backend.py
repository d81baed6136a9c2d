"""``backend=mujoco``: MuJoCo on the CPU, all envs stepped by its threaded rollout.

The batch state is one float64 array ``[N, nstate]`` (MuJoCo's full-physics state); each
control step is one ``mujoco.rollout`` call over every env for ``sim_substeps`` steps with the
controls held, on a persistent pool of worker threads. ``qpos`` / ``qvel`` are read through
zero-copy torch views of that array.
"""

from __future__ import annotations

import mujoco
import numpy as np
import torch
from mujoco import rollout

STATE_SPEC = mujoco.mjtState.mjSTATE_FULLPHYSICS


def _state_offset(model: mujoco.MjModel, element: mujoco.mjtState) -> int:
    """Offset of one state element inside the full-physics state vector."""
    offset = 0
    bit = 1
    while bit < int(element):
        if int(STATE_SPEC) & bit:
            offset += mujoco.mj_stateSize(model, bit)
        bit <<= 1
    return offset


class MujocoCpuBackend:
    """``num_envs`` copies of ``model`` on the CPU, stepped by ``threads`` workers."""

    def __init__(self, model: mujoco.MjModel, num_envs: int, substeps: int, threads: int) -> None:
        self.device = torch.device("cpu")
        self.model = model
        self.substeps = int(substeps)
        self.threads = max(1, int(threads))
        self._datas = [mujoco.MjData(model) for _ in range(self.threads)]
        self._pool = rollout.Rollout(nthread=self.threads)
        template = mujoco.MjData(model)
        nstate = mujoco.mj_stateSize(model, STATE_SPEC)
        initial = np.empty(nstate)
        mujoco.mj_getState(model, template, initial, STATE_SPEC)
        self._state = np.tile(initial, (num_envs, 1))
        self._out = np.empty((num_envs, self.substeps, nstate))
        self._ctrl = np.empty((num_envs, self.substeps, model.nu))
        self._models = [model] * num_envs
        qpos_at = _state_offset(model, mujoco.mjtState.mjSTATE_QPOS)
        qvel_at = _state_offset(model, mujoco.mjtState.mjSTATE_QVEL)
        state = torch.from_numpy(self._state)
        self._time = state[:, _state_offset(model, mujoco.mjtState.mjSTATE_TIME)]
        self._qpos = state[:, qpos_at : qpos_at + model.nq]
        self._qvel = state[:, qvel_at : qvel_at + model.nv]

    def qpos(self) -> torch.Tensor:
        return self._qpos.clone()

    def qvel(self) -> torch.Tensor:
        return self._qvel.clone()

    def step(self, ctrl: torch.Tensor) -> None:
        self._ctrl[:] = ctrl.detach().to("cpu", torch.float64).numpy()[:, None, :]
        self._pool.rollout(
            self._models,
            self._datas,
            self._state,
            self._ctrl,
            nstep=self.substeps,
            state=self._out,
            skip_checks=True,
        )
        np.copyto(self._state, self._out[:, -1])

    def write(self, mask: torch.Tensor, qpos: torch.Tensor, qvel: torch.Tensor) -> None:
        mask = mask.to("cpu")
        col = mask[:, None]
        self._qpos.copy_(torch.where(col, qpos.to("cpu", torch.float64), self._qpos))
        self._qvel.copy_(torch.where(col, qvel.to("cpu", torch.float64), self._qvel))
        self._time.masked_fill_(mask, 0.0)

    def state_dict(self) -> dict[str, torch.Tensor]:
        # Each rollout call starts the solver cold, so positions and velocities are all.
        return {"qpos": self.qpos(), "qvel": self.qvel()}

    def load_state_dict(self, state: dict[str, torch.Tensor]) -> None:
        self._qpos.copy_(state["qpos"])
        self._qvel.copy_(state["qvel"])
        self._time.zero_()

    def close(self) -> None:
        self._pool.close()
