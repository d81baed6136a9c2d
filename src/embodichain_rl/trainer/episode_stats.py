"""Episode statistics accumulated on the run's device and read once per iteration."""

from __future__ import annotations

import math
from typing import Any

import torch

from embodichain_rl.algorithms.base import DISCARDED_EPISODES_KEY


class EpisodeTracker:
    """Sums returns, lengths, success and per-term rewards of finished episodes on device.

    ``on_step`` is called by the algorithm after every env step and does only tensor
    arithmetic (no host sync); ``read`` copies the totals to the host once and starts a
    new window. With ``dense=True`` it also keeps the batch mean of every reward term and
    metric per step, for the per-step curves the trainer writes once per iteration.
    """

    def __init__(self, *, num_envs: int, device: torch.device, dense: bool = False) -> None:
        self.num_envs = num_envs
        self.device = device
        self.dense = dense
        self._episode_return = torch.zeros(num_envs, device=device)
        self._episode_length = torch.zeros(num_envs, device=device)
        self._episode_success = torch.zeros(num_envs, dtype=torch.bool, device=device)
        self._episode_terms: dict[str, torch.Tensor] = {}
        self._totals: dict[str, torch.Tensor] = {}
        self._dense_rows: list[dict[str, torch.Tensor]] = []
        self.reports_success = False
        """Whether the env has put ``success`` in ``info["metrics"]`` (else no success
        rate is reported: Pendulum and most Gymnasium ids have no such notion)."""
        self._reset_window()

    def _reset_window(self) -> None:
        self._totals = {
            name: torch.zeros((), device=self.device)
            for name in ("episodes", "return", "length", "success", "success_at_end")
        }
        self._term_totals: dict[str, torch.Tensor] = {}
        self._metric_totals: dict[str, torch.Tensor] = {}
        self._steps = 0
        self._dense_rows = []

    def on_step(
        self,
        reward: torch.Tensor,
        terminated: torch.Tensor,
        truncated: torch.Tensor,
        info: dict[str, Any],
    ) -> None:
        """Fold one batched env step into the running episode sums (first dropping the
        unfinished episodes an algorithm's reset cut off: ``DISCARDED_EPISODES_KEY``)."""
        discarded = info.get(DISCARDED_EPISODES_KEY)
        if discarded is not None:
            self._discard(discarded)
        done = terminated | truncated
        done_f = done.to(self._episode_return.dtype)
        metrics: dict[str, torch.Tensor] = info.get("metrics", {})
        terms: dict[str, torch.Tensor] = info.get("rewards", {})
        success = metrics.get("success")
        self.reports_success = self.reports_success or success is not None
        success_now = success.to(torch.bool) if success is not None else torch.zeros_like(done)

        self._episode_return += reward
        self._episode_length += 1.0
        self._episode_success |= success_now
        totals = self._totals
        totals["episodes"] += done_f.sum()
        totals["return"] += (self._episode_return * done_f).sum()
        totals["length"] += (self._episode_length * done_f).sum()
        totals["success"] += (self._episode_success & done).sum()
        totals["success_at_end"] += (success_now & done).sum()
        for name, value in terms.items():
            running = self._episode_terms.get(name)
            if running is None:
                running = torch.zeros(self.num_envs, device=self.device)
                self._episode_terms[name] = running
            running += value
            total = self._term_totals.get(name)
            if total is None:
                total = torch.zeros((), device=self.device)
                self._term_totals[name] = total
            total += (running * done_f).sum()
            running *= 1.0 - done_f
        for name, value in metrics.items():
            step_mean = value.float().mean()
            if name in self._metric_totals:
                self._metric_totals[name] += step_mean
            else:
                self._metric_totals[name] = step_mean.clone()
        self._steps += 1
        self._episode_return *= 1.0 - done_f
        self._episode_length *= 1.0 - done_f
        self._episode_success &= ~done
        if self.dense:
            row = {f"rewards/{k}": v.float().mean() for k, v in terms.items()}
            row.update({f"metrics/{k}": v.float().mean() for k, v in metrics.items()})
            self._dense_rows.append(row)

    def _discard(self, envs: torch.Tensor) -> None:
        """Zero the running sums of the envs marked in ``envs`` (bool ``[N]``)."""
        keep = (~envs).to(self._episode_return.dtype)
        self._episode_return *= keep
        self._episode_length *= keep
        self._episode_success &= ~envs
        for running in self._episode_terms.values():
            running *= keep

    def state_dict(self) -> dict[str, Any]:
        """Running sums of the unfinished episodes (the window itself is empty at an
        iteration boundary, where the trainer checkpoints)."""
        return {
            "episode_return": self._episode_return.clone(),
            "episode_length": self._episode_length.clone(),
            "episode_success": self._episode_success.clone(),
            "episode_terms": {k: v.clone() for k, v in self._episode_terms.items()},
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Continue the running episodes saved by :meth:`state_dict`."""
        device = self.device
        self._episode_return = state["episode_return"].to(device).clone()
        self._episode_length = state["episode_length"].to(device).clone()
        self._episode_success = state["episode_success"].to(device).clone()
        self._episode_terms = {k: v.to(device).clone() for k, v in state["episode_terms"].items()}

    def read(self) -> tuple[dict[str, float], list[dict[str, float]]]:
        """Host copy of this window's statistics and, when dense, the per-step rows; then
        start a new window. Episode means appear only when an episode finished; metrics are
        means over every env and step of the window."""
        names = [
            *self._totals,
            *(f"term/{k}" for k in self._term_totals),
            *(f"metric/{k}" for k in self._metric_totals),
        ]
        values = [
            *self._totals.values(),
            *self._term_totals.values(),
            *self._metric_totals.values(),
        ]
        host = torch.stack(values).cpu().tolist()
        raw = dict(zip(names, host, strict=True))
        steps = max(self._steps, 1)
        step_means = {
            f"metrics/{name[7:]}": value / steps
            for name, value in raw.items()
            if name.startswith("metric/")
        }
        dense_rows: list[dict[str, float]] = []
        if self._dense_rows:
            keys = list(self._dense_rows[0])
            table = torch.stack([torch.stack([r[k] for k in keys]) for r in self._dense_rows])
            dense_rows = [dict(zip(keys, row, strict=True)) for row in table.cpu().tolist()]
        self._reset_window()
        episodes = raw["episodes"]
        if episodes == 0:
            return step_means, dense_rows
        stats = {
            **step_means,
            "charts/episodes": episodes,
            "charts/episode_return": raw["return"] / episodes,
            "charts/episode_length": raw["length"] / episodes,
        }
        if self.reports_success:
            stats["charts/success_rate"] = raw["success"] / episodes
            stats["charts/success_at_end"] = raw["success_at_end"] / episodes
        for name, value in raw.items():
            if name.startswith("term/"):
                stats[f"rewards/{name[5:]}"] = value / episodes
        return {k: v for k, v in stats.items() if math.isfinite(v)}, dense_rows
