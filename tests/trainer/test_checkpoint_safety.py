"""Checkpoint files: atomic under SIGKILL, no code execution, clear errors."""

from __future__ import annotations

import errno
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import BinaryIO

import pytest
import torch

from embodichain_rl.policies import ActorCritic
from embodichain_rl.trainer.checkpoint import (
    CheckpointError,
    CheckpointRefusedError,
    CheckpointWriteError,
    load_checkpoint,
    load_module_state,
    save_checkpoint,
)
from tests.utils.small_disk import remount_read_only, small_tmpfs

WRITER = """
import sys, torch
from pathlib import Path
from embodichain_rl.trainer.checkpoint import save_checkpoint
path = Path(sys.argv[1])
i = 0
while True:
    i += 1
    save_checkpoint(path, {"i": i, "big": torch.full((40_000_000,), float(i))})
"""


def test_sigkill_mid_write_leaves_the_previous_checkpoint_loadable(tmp_path: Path) -> None:
    path = tmp_path / "last.pt"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)])
    try:
        deadline = time.monotonic() + 120
        # Wait until one checkpoint is complete and the next one is being written.
        while not (path.exists() and list(tmp_path.glob(".last.pt.*.tmp"))):
            assert writer.poll() is None, "writer died"
            assert time.monotonic() < deadline, "writer never started a second file"
            time.sleep(0.01)
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=30)
    finally:
        if writer.poll() is None:
            writer.kill()
    assert writer.returncode == -signal.SIGKILL
    payload = load_checkpoint(path)
    assert payload["i"] >= 1
    assert torch.equal(payload["big"][:3], torch.full((3,), float(payload["i"])))


class Gadget:
    """Unpickling this would create a file (the code-execution a checkpoint must not do)."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (Path.touch, (Path(self.marker),))


def _assert_refused_for_safety(message: str, blocked: str) -> None:
    assert "refused for safety" in message
    assert blocked in message
    assert "weights_only=False" not in message
    assert "corrupt" not in message
    assert "\n" not in message


def test_pickled_objects_are_refused_without_running_them(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    path = tmp_path / "evil.pt"
    torch.save({"format": "embodichain_rl/1", "policy": Gadget(str(marker))}, path)
    with pytest.raises(CheckpointRefusedError) as error:
        load_checkpoint(path)
    _assert_refused_for_safety(str(error.value), "pathlib.Path")
    assert not marker.exists()
    # A plain pickle (not a torch zip) of a custom object is refused as well.
    (tmp_path / "plain.pt").write_bytes(pickle.dumps(Gadget(str(marker)), protocol=2))
    with pytest.raises(CheckpointRefusedError) as error:
        load_checkpoint(tmp_path / "plain.pt")
    _assert_refused_for_safety(str(error.value), "getattr")
    assert not marker.exists()


class ShellGadget:
    """Unpickling this would run ``os.system("touch <marker>")``."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("container", ["torch_zip", "plain_pickle"])
def test_os_system_checkpoint_is_refused_by_name_and_never_runs(
    tmp_path: Path, container: str
) -> None:
    marker = tmp_path / "created_by_the_checkpoint"
    path = tmp_path / "last.pt"
    gadget = ShellGadget(str(marker))
    if container == "torch_zip":
        torch.save({"format": "embodichain_rl/1", "policy": gadget}, path)
    else:
        path.write_bytes(pickle.dumps(gadget, protocol=2))
    with pytest.raises(CheckpointRefusedError) as error:
        load_checkpoint(path)
    _assert_refused_for_safety(str(error.value), f"{os.system.__module__}.system")
    assert str(path) in str(error.value)
    assert not marker.exists()
    # The gadget is live: plain unpickling (what the safe loader prevents) creates the file.
    pickle.loads(pickle.dumps(gadget, protocol=2))
    assert marker.exists(), "the gadget would not have created a file: the test proves nothing"


def test_truncated_foreign_and_missing_files_give_checkpoint_errors(tmp_path: Path) -> None:
    good = save_checkpoint(tmp_path / "good.pt", {"x": torch.arange(1000)})
    truncated = tmp_path / "truncated.pt"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(CheckpointError, match="not a loadable"):
        load_checkpoint(truncated)
    (tmp_path / "notes.pt").write_text("hello")
    with pytest.raises(CheckpointError):
        load_checkpoint(tmp_path / "notes.pt")
    torch.save({"weights": torch.zeros(2)}, tmp_path / "foreign.pt")
    with pytest.raises(CheckpointError, match="not an embodichain_rl checkpoint"):
        load_checkpoint(tmp_path / "foreign.pt")
    with pytest.raises(CheckpointError, match="does not exist"):
        load_checkpoint(tmp_path / "absent.pt")
    assert load_checkpoint(good)["x"].sum() == sum(range(1000))


def test_mismatched_policy_lists_keys_and_shapes() -> None:
    trained = ActorCritic(obs_dim=30, action_dim=6, normalize_obs=True)
    other_obs = ActorCritic(obs_dim=25, action_dim=6, normalize_obs=True)
    with pytest.raises(CheckpointError) as error:
        load_module_state(other_obs, trained.state_dict(), source="ckpt.pt")
    message = str(error.value)
    hidden = trained.state_dict()["actor.0.weight"].shape[0]  # the default width, whatever it is
    assert f"actor.0.weight: checkpoint shape ({hidden}, 30), model shape ({hidden}, 25)" in message
    assert "obs_normalizer.mean: checkpoint shape (30,), model shape (25,)" in message
    no_norm = ActorCritic(obs_dim=30, action_dim=6, normalize_obs=False)
    with pytest.raises(CheckpointError, match=r"unexpected in checkpoint: obs_normalizer\.mean"):
        load_module_state(no_norm, trained.state_dict(), source="ckpt.pt")


def _assert_save_refused_and_previous_kept(
    path: Path, previous: torch.Tensor, error: CheckpointWriteError, reason: str
) -> None:
    message = str(error)
    assert reason in message
    assert str(path) in message
    assert "\n" not in message
    assert "previous checkpoint there is kept" in message
    assert torch.equal(load_checkpoint(path)["x"], previous)
    assert [p.name for p in path.parent.iterdir()] == [path.name], "temporary file left behind"


def test_full_disk_keeps_the_previous_checkpoint(tmp_path: Path) -> None:
    """A real 256 KiB tmpfs: the second checkpoint (800 KB) does not fit."""
    with small_tmpfs(tmp_path / "disk", size_kib=256) as disk:
        path = disk / "checkpoints" / "last.pt"
        small = torch.arange(1000, dtype=torch.float32)
        save_checkpoint(path, {"x": small})
        with pytest.raises(CheckpointWriteError) as error:
            save_checkpoint(path, {"x": torch.zeros(200_000)})
        _assert_save_refused_and_previous_kept(path, small, error.value, "no space left on device")
        assert error.value.errno == errno.ENOSPC


def test_read_only_mount_keeps_the_previous_checkpoint(tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "disk", size_kib=256) as disk:
        path = disk / "last.pt"
        first = torch.ones(10)
        save_checkpoint(path, {"x": first})
        remount_read_only(disk)
        with pytest.raises(CheckpointWriteError) as error:
            save_checkpoint(path, {"x": torch.zeros(10)})
        _assert_save_refused_and_previous_kept(path, first, error.value, "read-only file system")
        with pytest.raises(CheckpointWriteError, match="read-only file system"):
            save_checkpoint(disk / "new_dir" / "last.pt", {"x": first})


class FillingDisk:
    """A file whose writes fail with ENOSPC once ``budget`` bytes went through."""

    def __init__(self, handle: BinaryIO, budget: int) -> None:
        self._handle = handle
        self._budget = budget

    def write(self, data: bytes) -> int:
        if len(data) > self._budget:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._budget -= len(data)
        return self._handle.write(data)

    def __getattr__(self, name: str) -> object:
        return getattr(self._handle, name)

    def __enter__(self) -> FillingDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()


def test_full_disk_fault_injection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs everywhere: the checkpoint's writes fail with ENOSPC after 4 KiB (injected at
    the file object torch writes to, where a full disk raises)."""
    path = tmp_path / "checkpoints" / "last.pt"
    previous = torch.arange(5, dtype=torch.float32)
    save_checkpoint(path, {"x": previous})
    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda fd, mode: FillingDisk(real_fdopen(fd, mode), 4096))
    with pytest.raises(CheckpointWriteError) as error:
        save_checkpoint(path, {"x": torch.zeros(100_000)})
    monkeypatch.undo()
    _assert_save_refused_and_previous_kept(path, previous, error.value, "no space left on device")
    assert isinstance(error.value, OSError)
    assert isinstance(error.value, CheckpointError)


def test_errors_that_are_not_the_disk_are_not_reworded(tmp_path: Path) -> None:
    with pytest.raises(Exception, match=r"lambda|local object") as error:
        save_checkpoint(tmp_path / "last.pt", {"fn": lambda: None})
    assert not isinstance(error.value, CheckpointWriteError)
    assert list(tmp_path.iterdir()) == []
