"""SIGINT / SIGTERM become a request to stop at the end of the current iteration."""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path
from types import FrameType
from typing import Any

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
"""Signals that stop training at a safe point (Ctrl-C and cluster preemption)."""


class TrainingInterrupted(SystemExit):
    """Training stopped on a signal after writing ``checkpoint``.

    A ``SystemExit`` whose code is ``128 + signal`` (130 for SIGINT, 143 for SIGTERM), so the
    console script exits non-zero the way shells report a signal, while library callers can
    catch it like any exception.
    """

    def __init__(self, signum: int, checkpoint: Path, resume_command: str) -> None:
        super().__init__(128 + signum)
        self.signum = signum
        self.checkpoint = checkpoint
        self.resume_command = resume_command

    def __str__(self) -> str:
        return (
            f"training stopped by {signal.Signals(self.signum).name}; checkpoint "
            f"{self.checkpoint}; resume with: {self.resume_command}"
        )


class StopRequest:
    """Context manager installing handlers for :data:`STOP_SIGNALS` while it is active.

    The first signal only sets :attr:`signum` (the loop checks it once per iteration, no
    host sync); a second one aborts at once (``KeyboardInterrupt`` / ``SystemExit``). Outside
    the main thread, where Python cannot install handlers, it does nothing.
    """

    def __init__(self) -> None:
        self.signum: int | None = None
        self._previous: dict[int, Any] = {}

    @property
    def requested(self) -> bool:
        """Whether a stop signal arrived."""
        return self.signum is not None

    def request(self, signum: int) -> None:
        """Ask the loop to stop after the current iteration, as if ``signum`` arrived."""
        self.signum = signum

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.signum is not None:
            log.warning("second %s: aborting now", signal.Signals(signum).name)
            if signum == signal.SIGINT:
                raise KeyboardInterrupt
            raise SystemExit(128 + signum)
        self.signum = signum
        log.warning(
            "%s received: stopping after this iteration and writing a checkpoint "
            "(send it again to abort at once)",
            signal.Signals(signum).name,
        )

    def __enter__(self) -> StopRequest:
        if threading.current_thread() is threading.main_thread():
            for signum in STOP_SIGNALS:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()
