"""Counter-based per-env episode seeding, shared by the built-in batched tasks.

Env ``i``'s ``k``-th episode start is drawn from ``(seed key, stream i, k)``: it depends on
neither ``num_envs`` nor what the other envs do. Start groups (``reset(options=
{"start_group_size": g})``) make the ``g`` envs of a group share one stream and one counter,
so they draw the same starts until the next reset (see ``envs.base``).
"""

from __future__ import annotations

from typing import Any

import torch

from embodichain_rl.envs.base import group_episode_counters, start_group_size
from embodichain_rl.envs.push_cube.resets import hash_seed


class SeededEpisodes:
    """Mixin for an :class:`~embodichain_rl.envs.base.EmbodiedEnv` that draws its starts with
    ``self._seed_key``, ``self._start_stream`` and ``self._episode`` (the names its
    ``state_dict`` keeps)."""

    num_envs: int
    device: torch.device

    def _init_episode_seeds(self) -> None:
        """One stream per env, a random seed key and every episode counter at 0."""
        self._env_index = torch.arange(self.num_envs, dtype=torch.int64, device=self.device)
        self._start_stream = self._env_index
        """Per-env index the starts are drawn with (``env // start_group_size``)."""
        self._seed_key = hash_seed(int(torch.randint(0, 2**31 - 1, ()).item()), self.device)
        self._episode = torch.zeros(self.num_envs, dtype=torch.int64, device=self.device)

    def _restart_episodes(self, seed: int | None, options: dict[str, Any] | None) -> None:
        """The seeding half of ``reset``: regroup the streams as ``options`` asks, then either
        take ``seed`` and restart every counter, or move every env (each group to its latest
        counter) to its next episode."""
        group = start_group_size(options, self)  # type: ignore[arg-type]
        self._start_stream = self._env_index // group
        if seed is not None:
            self._seed_key = hash_seed(int(seed), self.device)
            self._episode = torch.zeros_like(self._episode)
        else:
            self._episode = group_episode_counters(self._episode, group)

    @property
    def episode_counters(self) -> torch.Tensor:
        """Per-env count of episodes started since the last seeded reset."""
        return self._episode
