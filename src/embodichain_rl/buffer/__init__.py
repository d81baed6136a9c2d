"""On-policy rollout storage."""

from __future__ import annotations

from embodichain_rl.buffer.rollout_buffer import Batch, RolloutBuffer

__all__ = ["Batch", "RolloutBuffer"]
