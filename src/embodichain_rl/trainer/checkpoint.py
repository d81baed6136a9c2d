"""Atomic checkpoint files: written whole or not at all, loaded without running code."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import pickle
import random
import re
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import torch

from embodichain_rl.utils.fs import (
    StorageError,
    describe_os_error,
    find_os_error,
    storage_error,
)

log = logging.getLogger(__name__)


class CheckpointError(RuntimeError):
    """A checkpoint file is missing, truncated, or not an embodichain_rl checkpoint."""


class CheckpointRefusedError(CheckpointError):
    """A checkpoint's pickle names objects other than tensors and plain containers (a
    class, a function such as ``os.system``): refused for safety, never unpickled."""


class CheckpointWriteError(CheckpointError, StorageError):
    """A checkpoint cannot be written (full disk, read-only mount, no permission); the
    message is one line naming the file and the reason."""


CHECKPOINT_FORMAT = "embodichain_rl/1"
_IO_ERRNOS = frozenset({errno.EACCES, errno.EPERM, errno.EIO, errno.EISDIR})
"""Read errors that say nothing about the file's content (not "corrupt")."""


def save_checkpoint(path: Path, payload: dict[str, Any]) -> Path:
    """Write ``payload`` to ``path`` atomically (temporary file, flush, fsync, rename).

    A crash at any moment leaves either the previous file or the new one, never half a file.
    A filesystem fault (full disk, read-only mount, no permission) raises
    :class:`CheckpointWriteError` in one line naming ``path``; the temporary file is
    removed and the previous checkpoint at ``path`` is kept.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise _write_error(path, error) from error
    try:
        with os.fdopen(fd, "wb") as handle:
            torch.save({"format": CHECKPOINT_FORMAT, **payload}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException as error:
        Path(tmp_name).unlink(missing_ok=True)
        os_error = find_os_error(error)
        if os_error is None or not isinstance(error, Exception):
            raise
        raise _write_error(path, os_error) from error
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return path


def _write_error(path: Path, error: OSError) -> CheckpointWriteError:
    kept = "; the previous checkpoint there is kept" if path.is_file() else ""
    return storage_error(
        "cannot save checkpoint", error, path, suffix=kept, kind=CheckpointWriteError
    )


_BLOCKED_GLOBAL = re.compile(r"GLOBAL ([A-Za-z_][\w.]*)")
_REFUSED_BY_TORCH = "Weights only load failed"


def _blocked_globals(path: Path, error: BaseException) -> list[str]:
    """The globals (importable names) the pickle in ``path`` refers to that the safe
    loader does not allow, read without unpickling; from torch's message as a fallback."""
    scan = getattr(torch.serialization, "get_unsafe_globals_in_checkpoint", None)
    names: list[str] = []
    if scan is not None:
        with contextlib.suppress(Exception):
            names = sorted({str(name) for name in scan(str(path))})
    if not names:
        names = list(dict.fromkeys(_BLOCKED_GLOBAL.findall(str(error))))
    return names


def _refused(path: Path, error: pickle.UnpicklingError) -> CheckpointRefusedError:
    names = _blocked_globals(path, error)
    what = (
        f"its pickle names the blocked global{'s' if len(names) > 1 else ''} {', '.join(names)}"
        if names
        else "its pickle holds content the safe loader does not allow"
    )
    return CheckpointRefusedError(
        f"{path} was refused for safety: {what}. Checkpoints load only tensors and plain "
        "containers, so no code from a file runs; use a checkpoint written by embodichain_rl "
        "from a source you trust"
    )


def load_checkpoint(path: Path, map_location: str | torch.device = "cpu") -> dict[str, Any]:
    """Load a checkpoint with ``weights_only=True`` (tensors and plain containers only).

    A file whose pickle would import anything else (a class, ``os.system``) raises
    :class:`CheckpointRefusedError` naming the blocked globals; nothing in it runs."""
    if not path.is_file():
        raise CheckpointError(f"checkpoint {path} does not exist")
    try:
        payload = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as error:
        if isinstance(error, pickle.UnpicklingError) and _REFUSED_BY_TORCH in str(error):
            raise _refused(path, error) from error
        if isinstance(error, OSError) and error.errno in _IO_ERRNOS:
            message = f"cannot read checkpoint {describe_os_error(error, path)}"
            raise CheckpointError(message) from error
        detail = " ".join(str(error).split())
        raise CheckpointError(
            f"{path} is not a loadable embodichain_rl checkpoint: truncated, corrupt or not "
            f"a torch file ({type(error).__name__}: {detail})"
        ) from error
    if not isinstance(payload, dict) or payload.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(f"{path} is not an embodichain_rl checkpoint ({CHECKPOINT_FORMAT})")
    return payload


def resolve_checkpoint(path: str | Path) -> Path:
    """A checkpoint file as given, or for a run directory its ``checkpoints/last.pt``."""
    path = Path(path).expanduser()
    if path.is_dir():
        for candidate in (path / "checkpoints" / "last.pt", path / "last.pt"):
            if candidate.is_file():
                return candidate
        raise CheckpointError(f"{path} is a directory without checkpoints/last.pt")
    return path


def capture_rng_state() -> dict[str, Any]:
    """Random-number-generator states of Python, NumPy and torch (CPU and CUDA)."""
    py_version, py_state, py_gauss = random.getstate()
    _, np_keys, np_pos, np_has_gauss, np_gauss = np.random.get_state()
    state: dict[str, Any] = {
        "python": list(py_state),
        "python_version": py_version,
        "python_gauss": py_gauss,
        "numpy": np_keys.tolist(),
        "numpy_pos": int(np_pos),
        "numpy_has_gauss": int(np_has_gauss),
        "numpy_gauss": float(np_gauss),
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["torch_cuda"] = torch.cuda.get_rng_state_all()
    return state


def restore_rng_state(state: dict[str, Any]) -> None:
    """Put back what :func:`capture_rng_state` captured (CUDA states only where present)."""
    random.setstate((state["python_version"], tuple(state["python"]), state["python_gauss"]))
    np.random.set_state(
        (
            "MT19937",
            np.asarray(state["numpy"], dtype=np.uint32),
            int(state["numpy_pos"]),
            int(state.get("numpy_has_gauss", 0)),
            float(state.get("numpy_gauss", 0.0)),
        )
    )
    torch.set_rng_state(state["torch"].cpu())
    cuda_states = state.get("torch_cuda")
    if cuda_states is not None and torch.cuda.is_available():
        if len(cuda_states) == torch.cuda.device_count():
            torch.cuda.set_rng_state_all([s.cpu() for s in cuda_states])
        else:
            log.warning(
                "checkpoint has CUDA RNG states of %d devices, this machine has %d: not restored",
                len(cuda_states),
                torch.cuda.device_count(),
            )


def state_dict_mismatches(expected: dict[str, Any], found: dict[str, Any]) -> list[str]:
    """Human-readable differences in keys and tensor shapes between two state dicts."""
    problems = [f"missing from checkpoint: {k}" for k in expected if k not in found]
    problems += [f"unexpected in checkpoint: {k}" for k in found if k not in expected]
    for key, want in expected.items():
        got = found.get(key)
        if (
            isinstance(want, torch.Tensor)
            and isinstance(got, torch.Tensor)
            and want.shape != got.shape
        ):
            problems.append(
                f"{key}: checkpoint shape {tuple(got.shape)}, model shape {tuple(want.shape)}"
            )
    return problems


def load_module_state(module: torch.nn.Module, state: dict[str, Any], *, source: str) -> None:
    """``module.load_state_dict(state)`` that first checks keys and shapes and raises a
    :class:`CheckpointError` listing every mismatch (other architecture, env or obs size)."""
    problems = state_dict_mismatches(module.state_dict(), state)
    if problems:
        raise CheckpointError(
            f"{source} does not fit {type(module).__name__} (another architecture, env or "
            "observation size?):\n  - " + "\n  - ".join(problems)
        )
    module.load_state_dict(state)
