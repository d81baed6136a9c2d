"""On-device storage of labelled decisions (observation, expert action) for behaviour
cloning: it grows as demonstrations arrive, optionally keeping only the newest
``capacity`` (FIFO), and yields shuffled minibatches without a host sync."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, overload

import torch

from embodichain_rl.utils.observations import (
    Observation,
    index_observation,
    map_observation,
)


@overload
def _grown(stored: torch.Tensor, rows: int, used: int) -> torch.Tensor: ...
@overload
def _grown(stored: Observation, rows: int, used: int) -> Observation: ...
def _grown(stored: Observation, rows: int, used: int) -> Observation:
    """``stored`` (a tensor or a dict of them, dtypes kept: uint8 images, int64 tokens)
    moved into fresh zeros of ``rows`` rows, its first ``used`` rows kept."""

    def grow(value: torch.Tensor) -> torch.Tensor:
        fresh = torch.zeros(rows, *value.shape[1:], dtype=value.dtype, device=value.device)
        fresh[:used].copy_(value[:used])
        return fresh

    return map_observation(grow, stored)


class DemonstrationDataset:
    """Labelled decisions in ring storage on ``device``: ``obs`` (a tensor ``[M, D]`` or a
    dict of ``[M, *shape]``, every key in the env's own dtype) and ``actions`` ``[M, A]``.

    ``capacity`` ``None`` keeps every decision (storage doubles when full); an int keeps the
    newest ``capacity`` decisions, overwriting the oldest. Sizes and the write position are
    host integers, so adding and sampling never read a device value.
    """

    def __init__(
        self,
        *,
        action_dim: int,
        action_dtype: torch.dtype,
        capacity: int | None,
        device: torch.device,
    ) -> None:
        self.action_dim = action_dim
        """Length of one stored action (a chunked env's whole chunk)."""
        self.action_dtype = action_dtype
        """Element type of the stored actions (the policy's ``action_dtype``)."""
        self.capacity = capacity
        """Most decisions kept (``None``: all)."""
        self.device = device
        """Device holding every tensor."""
        self.size = 0
        """Decisions stored."""
        self.position = 0
        """Row the next decision is written to."""
        self.obs: Observation | None = None
        """Stored observations (allocated by the first ``reserve``)."""
        self.actions = torch.zeros(0, action_dim, dtype=action_dtype, device=device)
        """Stored expert actions ``[rows, A]``."""
        self._rows: torch.Tensor | None = None

    @property
    def rows(self) -> int:
        """Rows allocated."""
        return int(self.actions.shape[0])

    def reserve(self, example: Observation, incoming: int) -> None:
        """Make room for ``incoming`` more decisions shaped like ``example`` (``[N, ...]``):
        allocate, or double the storage, up to ``capacity``. Call outside hot loops."""
        needed = self.size + incoming
        if self.capacity is not None:
            needed = min(needed, self.capacity)
        if self.obs is None:
            self.obs = _grown(example, 0, 0)
        if needed <= self.rows:
            return
        rows = max(needed, 2 * self.rows)
        if self.capacity is not None:
            rows = min(rows, self.capacity)
        self.obs = _grown(self.obs, rows, self.size)
        self.actions = _grown(self.actions, rows, self.size)
        self.position = self.size  # below capacity the rows [0, size) are filled in order

    def add(self, obs: Observation, actions: torch.Tensor) -> None:
        """Store one batch ``[N, ...]`` of decisions (room reserved beforehand)."""
        count = int(actions.shape[0])
        if self.capacity is not None and count > self.capacity:
            raise ValueError(f"a batch of {count} decisions exceeds capacity {self.capacity}")
        needed = self.size + count
        if self.capacity is not None:
            needed = min(needed, self.capacity)
        if self.obs is None or needed > self.rows:
            raise RuntimeError("DemonstrationDataset: reserve() room before add()")
        if self._rows is None or self._rows.shape[0] != count:
            self._rows = torch.arange(count, device=self.device)
        index = (self._rows + self.position) % self.rows
        stored = self.obs
        if isinstance(stored, dict):
            assert isinstance(obs, dict)
            for key, value in stored.items():
                value.index_copy_(0, index, obs[key].to(value.dtype))
        else:
            assert isinstance(obs, torch.Tensor)
            stored.index_copy_(0, index, obs.to(stored.dtype))
        self.actions.index_copy_(0, index, actions.to(self.action_dtype))
        self.position = (self.position + count) % self.rows
        self.size = min(self.size + count, self.rows)

    def minibatches(
        self, batch_size: int, generator: torch.Generator
    ) -> Iterator[tuple[Observation, torch.Tensor]]:
        """One shuffled pass: ``max(size // batch_size, 1)`` minibatches of
        ``min(batch_size, size)`` decisions each (no host sync)."""
        if self.obs is None or self.size == 0:
            raise RuntimeError("DemonstrationDataset is empty: collect demonstrations first")
        size = min(batch_size, self.size)
        order = torch.randperm(self.size, generator=generator, device=self.device)
        for start in range(0, self.size - size + 1, size):
            index = order[start : start + size]
            yield index_observation(self.obs, index), self.actions.index_select(0, index)

    def state_dict(self) -> dict[str, Any]:
        """The stored decisions (only the used rows) and the write position."""
        used = self.size
        obs = None if self.obs is None else map_observation(lambda v: v[:used].clone(), self.obs)
        return {
            "obs": obs,
            "actions": self.actions[:used].clone(),
            "position": self.position,
            "rows": self.rows,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what ``state_dict`` returned (same rows, same write position)."""
        actions = state["actions"].to(self.device)
        used, rows = int(actions.shape[0]), int(state["rows"])
        if self.capacity is not None and rows > self.capacity:
            raise ValueError(
                f"checkpoint holds {rows} demonstration rows but algorithm.dataset_size="
                f"{self.capacity}: match algorithm.dataset_size"
            )
        self.size, self.position = used, int(state["position"])
        self.obs = None
        if state["obs"] is not None:
            saved = map_observation(lambda v: v.to(self.device), state["obs"])
            self.obs = _grown(saved, rows, used)
        self.actions = _grown(actions.to(self.action_dtype), rows, used)
