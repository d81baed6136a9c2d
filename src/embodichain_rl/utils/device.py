"""Choosing the run's one device."""

from __future__ import annotations

import logging
import re

import torch

log = logging.getLogger(__name__)

_DEVICE = re.compile(r"(?P<type>cpu|cuda|mps)(?::(?P<index>\d+))?")


class DeviceError(ValueError):
    """A device setting this machine cannot honour; the message is one line naming the
    key, the value and what is valid here."""


def _valid_here(gpus: int) -> str:
    choices = ["auto", "cpu"]
    if gpus == 1:
        choices += ["cuda", "cuda:0"]
    elif gpus > 1:
        choices += ["cuda", f"cuda:N with N < {gpus}"]
    if torch.backends.mps.is_available():
        choices.append("mps")
    return ", ".join(choices)


def _gpus() -> int:
    return torch.cuda.device_count() if torch.cuda.is_available() else 0


def check_device(value: str, *, cuda: bool, key: str = "runtime.device") -> torch.device:
    """The device ``value`` names, checked against this machine.

    ``auto`` is CUDA when ``cuda`` is true and a GPU exists, else CPU (with a loud warning
    when CUDA was wanted); ``cpu``, ``cuda`` and ``cuda:N`` (``N`` below the number of
    GPUs) are taken as given. Anything else raises :class:`DeviceError` naming ``key``,
    the value and the valid choices on this machine.
    """
    text = str(value).strip()
    if text == "auto":
        if cuda and torch.cuda.is_available():
            return torch.device("cuda")
        if cuda:
            log.warning("runtime.cuda=true but no CUDA device is available: FALLING BACK TO CPU")
        return torch.device("cpu")
    gpus = _gpus()
    match = _DEVICE.fullmatch(text)
    if match is None:
        raise DeviceError(
            f"{key}={value!r} is not a device; valid on this machine: {_valid_here(gpus)}"
        )
    kind, index = match["type"], match["index"]
    if kind == "cpu":
        if index not in (None, "0"):
            raise DeviceError(f"{key}={value!r}: there is one CPU device; use cpu")
        return torch.device("cpu")
    if kind == "mps":
        if not torch.backends.mps.is_available():
            raise DeviceError(
                f"{key}={value!r}: torch sees no Apple GPU (MPS) here; "
                f"valid on this machine: {_valid_here(gpus)}"
            )
        return torch.device("mps")
    if gpus == 0:
        raise DeviceError(
            f"{key}={value!r} asks for CUDA but torch sees no GPU on this machine; "
            f"valid here: {_valid_here(gpus)}"
        )
    if index is not None and int(index) >= gpus:
        seen = "1 GPU (cuda:0)" if gpus == 1 else f"{gpus} GPUs (cuda:0 to cuda:{gpus - 1})"
        raise DeviceError(
            f"{key}={value!r}: torch sees {seen}; valid on this machine: {_valid_here(gpus)}"
        )
    return torch.device(text)


def resolve_device(
    device: str = "auto", *, cuda: bool = True, key: str = "runtime.device"
) -> torch.device:
    """Pick the run's device (see :func:`check_device`, which raises :class:`DeviceError`
    for a value this machine cannot honour)."""
    return check_device(device, cuda=cuda, key=key)
