"""Checkpoint files: atomic under SIGKILL, no code execution, clear errors."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from embodichain_rl.policies import ActorCritic
from embodichain_rl.trainer.checkpoint import (
    CheckpointError,
    load_checkpoint,
    load_module_state,
    save_checkpoint,
)

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


def test_pickled_objects_are_refused_without_running_them(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    path = tmp_path / "evil.pt"
    torch.save({"format": "embodichain_rl/1", "policy": Gadget(str(marker))}, path)
    with pytest.raises(CheckpointError, match="weights_only"):
        load_checkpoint(path)
    assert not marker.exists()
    # A plain pickle (not a torch zip) of a custom object is refused as well.
    (tmp_path / "plain.pt").write_bytes(pickle.dumps(Gadget(str(marker)), protocol=2))
    with pytest.raises(CheckpointError):
        load_checkpoint(tmp_path / "plain.pt")
    assert not marker.exists()


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
    assert "actor.0.weight: checkpoint shape (256, 30), model shape (256, 25)" in message
    assert "obs_normalizer.mean: checkpoint shape (30,), model shape (25,)" in message
    no_norm = ActorCritic(obs_dim=30, action_dim=6, normalize_obs=False)
    with pytest.raises(CheckpointError, match=r"unexpected in checkpoint: obs_normalizer\.mean"):
        load_module_state(no_norm, trained.state_dict(), source="ckpt.pt")
