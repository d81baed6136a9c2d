"""A user's own algorithm, registered by name the way a user module would (test helper)."""

from __future__ import annotations

from typing import Any

import torch

from embodichain_rl.algorithms import PPO, register_algo

NAME = "counting_ppo"
"""The name legacy JSON configs use for ``CountingPPO``."""


@register_algo(NAME)
class CountingPPO(PPO):
    """PPO that counts its updates; every built instance is kept for the tests to inspect."""

    instances: list[CountingPPO] = []  # noqa: RUF012 - shared record of built instances

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.updates = 0
        CountingPPO.instances.append(self)

    def update(self) -> dict[str, torch.Tensor]:
        self.updates += 1
        return super().update()
