"""``embodichain-bench --device`` that this machine lacks: one line, exit status 2."""

from __future__ import annotations

import pytest
import torch

from embodichain_rl.cli.bench import main


@pytest.mark.parametrize("command", ["env", "scripted", "train", "profile"])
def test_an_unavailable_device_is_named_with_what_is_available(
    command: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert main([command, "--device", "cuda"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.strip().splitlines()
    assert "--device cuda" in line and "available: auto, cpu" in line


def test_a_device_name_torch_does_not_know_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["env", "--device", "gpu"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "--device gpu" in line and "available: auto, cpu" in line
