"""Rollout storage (on-policy) and the replay ring (off-policy)."""

from __future__ import annotations

from embodichain_rl.buffer.replay_buffer import ReplayBatch, ReplayBuffer
from embodichain_rl.buffer.rollout_buffer import Batch, RolloutBuffer

__all__ = ["Batch", "ReplayBatch", "ReplayBuffer", "RolloutBuffer"]
