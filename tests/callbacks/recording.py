"""A user callback given through config in the tests: records its calls in a JSON file and
stops the run at a chosen iteration."""

from __future__ import annotations

import json
from pathlib import Path

from embodichain_rl.callbacks import Callback


class RecordingCallback(Callback):
    """Appends every hook call to ``path``; asks for a stop after ``stop_at`` iterations."""

    def __init__(self, *, path: str, stop_at: int = 0) -> None:
        self.path = Path(path)
        self.stop_at = stop_at
        self.calls: list[dict[str, object]] = []

    def _record(self, hook: str, iteration: int, **extra: object) -> None:
        self.calls.append({"hook": hook, "iteration": iteration, **extra})
        self.path.write_text(json.dumps(self.calls))

    def on_train_start(self, trainer) -> None:
        self._record("start", trainer.iteration)

    def on_iteration_end(self, trainer, metrics: dict[str, float]) -> None:
        self._record("iteration", trainer.iteration, has_loss="train/loss" in metrics)
        if self.stop_at and trainer.iteration >= self.stop_at:
            trainer.request_stop(f"recording callback stops at {self.stop_at}")

    def on_train_end(self, trainer) -> None:
        self._record("end", trainer.iteration)
