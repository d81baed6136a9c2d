"""``backend=mujoco_warp``: every env is one world of MuJoCo Warp on the run's device.

``qpos``, ``qvel`` and ``ctrl`` are torch views of Warp arrays (``wp.to_torch``, no copy), so
actions go in and observations come out without a host round trip. On CUDA the
``sim_substeps`` physics steps of a control step are captured once in a CUDA graph and
replayed; Warp's CPU device (used by the tests) runs the same kernels eagerly.
"""

from __future__ import annotations

from typing import Any

import mujoco
import torch

from embodichain_rl.envs.push_cube_mujoco.engines import engine_problem, quiet_warp


def _warp_device(device: torch.device) -> str:
    if device.type == "cuda":
        return f"cuda:{device.index if device.index is not None else torch.cuda.current_device()}"
    return "cpu"


class MujocoWarpBackend:
    """``num_envs`` worlds of ``model`` in MuJoCo Warp on ``device``."""

    def __init__(
        self,
        model: mujoco.MjModel,
        num_envs: int,
        substeps: int,
        device: torch.device,
        max_contacts_per_env: int,
    ) -> None:
        wp = quiet_warp()
        import mujoco_warp as mjw

        problem = engine_problem("mujoco_warp", device)
        if problem is not None:
            raise RuntimeError(problem)
        self._wp, self._mjw = wp, mjw
        self.device = device
        self.substeps = int(substeps)
        self._wp_device = _warp_device(device)
        with wp.ScopedDevice(self._wp_device):
            self._model = mjw.put_model(model)
            self._data = mjw.put_data(
                model,
                mujoco.MjData(model),
                nworld=num_envs,
                nconmax=max_contacts_per_env,
                njmax=max_contacts_per_env * 4 + 2 * model.nv,
            )
        self._qpos = wp.to_torch(self._data.qpos)
        self._qvel = wp.to_torch(self._data.qvel)
        self._ctrl = wp.to_torch(self._data.ctrl)
        self._warmstart = wp.to_torch(self._data.qacc_warmstart)
        self._time = wp.to_torch(self._data.time)
        self._graph: Any = None

    def qpos(self) -> torch.Tensor:
        return self._qpos.clone()

    def qvel(self) -> torch.Tensor:
        return self._qvel.clone()

    def _substeps(self) -> None:
        for _ in range(self.substeps):
            self._mjw.step(self._model, self._data)

    def step(self, ctrl: torch.Tensor) -> None:
        self._ctrl.copy_(ctrl)
        with self._wp.ScopedDevice(self._wp_device):
            if self.device.type != "cuda":
                self._substeps()
                return
            self._cuda_step()

    def _cuda_step(self) -> None:
        """Replay the captured substeps on Warp's stream, ordered after torch's work and before
        torch's next (stream waits on the GPU, never a host sync)."""
        wp = self._wp
        torch_stream = wp.stream_from_torch(torch.cuda.current_stream(self.device))
        warp_stream = wp.get_stream(self._wp_device)
        warp_stream.wait_stream(torch_stream)
        if self._graph is None:
            self._substeps()  # the first step compiles and loads every kernel, then capture
            with wp.ScopedCapture() as capture:
                self._substeps()
            self._graph = capture.graph
        else:
            wp.capture_launch(self._graph)
        torch_stream.wait_stream(warp_stream)

    def write(self, mask: torch.Tensor, qpos: torch.Tensor, qvel: torch.Tensor) -> None:
        col = mask[:, None]
        self._qpos.copy_(torch.where(col, qpos.to(self._qpos.dtype), self._qpos))
        self._qvel.copy_(torch.where(col, qvel.to(self._qvel.dtype), self._qvel))
        self._warmstart.masked_fill_(col, 0.0)
        self._time.masked_fill_(mask, 0.0)

    def state_dict(self) -> dict[str, torch.Tensor]:
        return {
            "qpos": self.qpos(),
            "qvel": self.qvel(),
            "qacc_warmstart": self._warmstart.clone(),  # the solver's starting guess
        }

    def load_state_dict(self, state: dict[str, torch.Tensor]) -> None:
        self._qpos.copy_(state["qpos"])
        self._qvel.copy_(state["qvel"])
        self._warmstart.copy_(state["qacc_warmstart"])
        self._time.zero_()

    def close(self) -> None:
        self._graph = None
