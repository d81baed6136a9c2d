"""The callback protocol: hooks the trainer calls at the start, after every iteration and
at the end of training."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from embodichain_rl.trainer.trainer import Trainer


class Callback:
    """Override the hooks you need; every hook is a no-op by default.

    ``metrics`` of :meth:`on_iteration_end` holds the iteration's scalars already read to
    the host (``train/*``, ``charts/*``, ``rewards/*``, ``metrics/*``; ``eval/*`` on an
    evaluation iteration, added by the evaluation callback that runs first). A callback
    stops training with ``trainer.request_stop(reason)``: the loop ends after this
    iteration, the end-of-training hooks run (final evaluation, ``last.pt``) and
    :meth:`Trainer.learn` returns normally. Callbacks run on every rank of a data-parallel
    job; ``trainer.is_main`` tells rank 0, the only one that writes files.

    A callback with state to resume (counters, best values) returns it from ``state_dict``
    (tensors and plain containers); it is saved in every checkpoint under ``state_key``.
    """

    state_key: str | None = None
    """Key of this callback's state in checkpoints (``None``: it has no state)."""

    def on_train_start(self, trainer: Trainer) -> None:
        """Before the first iteration of :meth:`Trainer.learn` (after any resume)."""

    def on_iteration_end(self, trainer: Trainer, metrics: dict[str, float]) -> None:
        """After every iteration's update and logging; may add to ``metrics``."""

    def on_train_end(self, trainer: Trainer) -> None:
        """After the last iteration, an early stop or a stop signal (not after an error)."""

    def state_dict(self) -> dict[str, Any]:
        """State to save in checkpoints (``{}`` by default)."""
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned."""


class CallbackList:
    """Calls every callback's hook in order (the built-in ones first)."""

    def __init__(self, callbacks: Iterable[Callback]) -> None:
        self.callbacks = list(callbacks)

    def on_train_start(self, trainer: Trainer) -> None:
        for callback in self.callbacks:
            callback.on_train_start(trainer)

    def on_iteration_end(self, trainer: Trainer, metrics: dict[str, float]) -> None:
        for callback in self.callbacks:
            callback.on_iteration_end(trainer, metrics)

    def on_train_end(self, trainer: Trainer) -> None:
        for callback in self.callbacks:
            callback.on_train_end(trainer)

    def state_dict(self) -> dict[str, dict[str, Any]]:
        """Every stateful callback's state by its ``state_key``."""
        return {c.state_key: c.state_dict() for c in self.callbacks if c.state_key}

    def load_state_dict(self, states: dict[str, dict[str, Any]]) -> None:
        """Give each stateful callback its saved state (a missing one keeps its own)."""
        for callback in self.callbacks:
            if callback.state_key and callback.state_key in states:
                callback.load_state_dict(states[callback.state_key])
