"""``load_policy``: a checkpoint's policy for acting, without building an env."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from embodichain_rl.policies import Policy
from embodichain_rl.trainer.build import build_policy
from embodichain_rl.trainer.checkpoint import (
    CheckpointError,
    load_checkpoint,
    load_module_state,
)
from embodichain_rl.trainer.resume import resolve_resume_target
from embodichain_rl.trainer.setup import import_user_modules


class InferencePolicy(nn.Module):
    """``policy(obs) -> action``: the deterministic action (the mean, or the most likely
    discrete action), with the policy's observation normaliser applied and frozen.

    ``obs`` is a batch ``[N, obs_dim]`` or one observation ``[obs_dim]``, as a torch tensor
    (the action comes back on its device) or a NumPy array (the action comes back as one);
    for a dict-observation policy, a dict of such tensors or arrays (images ``uint8``, one
    observation without the batch dimension has 1-D vectors and 3-D images).
    Actions are not clipped; envs clip to their action space.
    """

    def __init__(self, policy: Policy, *, device: torch.device, source: Path) -> None:
        super().__init__()
        self.policy = policy.to(device).eval()
        self.device = device
        """Where the policy computes."""
        self.source = source
        """The checkpoint it was loaded from."""
        for parameter in self.policy.parameters():
            parameter.requires_grad_(False)

    @torch.no_grad()
    def forward(self, obs: Any) -> torch.Tensor | np.ndarray:
        parts = obs if isinstance(obs, dict) else {"": obs}
        first = next(iter(parts.values()))
        as_numpy = isinstance(first, np.ndarray)
        tensors = {key: _as_tensor(value) for key, value in parts.items()}
        single = _is_single(tensors)
        batch = {
            key: (value.unsqueeze(0) if single else value).to(self.device)
            for key, value in tensors.items()
        }
        action = self.policy.act_deterministic(batch if isinstance(obs, dict) else batch[""])
        action = action[0] if single else action
        if as_numpy:
            return action.cpu().numpy()
        return action.to(first.device) if isinstance(first, torch.Tensor) else action


def _as_tensor(value: Any) -> torch.Tensor:
    """An observation part as a tensor: uint8 images stay uint8, the rest float32."""
    tensor = torch.as_tensor(value)
    return tensor if tensor.dtype == torch.uint8 else tensor.to(torch.float32)


def _is_single(parts: dict[str, torch.Tensor]) -> bool:
    """Whether the observation lacks its batch dimension: vectors 1-D and images 3-D (a
    batch has 2-D vectors and 4-D images)."""
    return all(value.dim() in (1, 3) for value in parts.values())


def load_policy(checkpoint: str | Path, *, device: str | torch.device = "cpu") -> InferencePolicy:
    """The policy of ``checkpoint`` (a file, or a run directory: its newest complete
    checkpoint) as an :class:`InferencePolicy` on ``device``; no env is built."""
    path = resolve_resume_target(checkpoint)
    payload = load_checkpoint(path, map_location=device)
    config: Any = payload.get("config") or {}
    spec = payload.get("policy_spec")
    if not isinstance(config, dict) or "policy" not in config or not isinstance(spec, dict):
        raise CheckpointError(
            f"{path} records no policy config and spec to rebuild the policy from (written "
            "by an older version: use embodichain-eval, which rebuilds its env)"
        )
    import_user_modules(list((config.get("runtime") or {}).get("imports") or []))
    policy = build_policy(config["policy"], spec)
    load_module_state(policy, payload["policy"], source=str(path))
    return InferencePolicy(policy, device=torch.device(device), source=path)
