"""`runtime.device` values this machine cannot honour fail in one line saying what is valid."""

from __future__ import annotations

import logging

import pytest
import torch

from embodichain_rl.utils.device import DeviceError, check_device, resolve_device

NO_GPU = not torch.cuda.is_available()


def _message(value: str) -> str:
    with pytest.raises(DeviceError) as error:
        check_device(value, cuda=True)
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(f"runtime.device={value!r}")
    return message


@pytest.mark.parametrize("value", ["banana", "CUDA", "cuda:", "cuda:-1", "cuda:one", "gpu", ""])
def test_not_a_device(value: str) -> None:
    message = _message(value)
    assert "is not a device" in message
    assert "valid on this machine: auto, cpu" in message
    assert isinstance(DeviceError(message), ValueError)


@pytest.mark.skipif(not NO_GPU, reason="needs a machine without a GPU")
@pytest.mark.parametrize("value", ["cuda", "cuda:0", "cuda:7"])
def test_cuda_without_a_gpu(value: str) -> None:
    message = _message(value)
    assert "torch sees no GPU" in message
    assert message.endswith("valid here: auto, cpu")


def test_cuda_index_past_the_gpus(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine with 2 GPUs, simulated (fault injection: this CI machine has none)."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    message = _message("cuda:7")
    assert "torch sees 2 GPUs (cuda:0 to cuda:1)" in message
    assert "valid on this machine: auto, cpu, cuda, cuda:N with N < 2" in message
    assert check_device("cuda:1", cuda=True) == torch.device("cuda", 1)
    assert check_device("cuda", cuda=False) == torch.device("cuda")


@pytest.mark.skipif(NO_GPU, reason="needs a GPU")
def test_cuda_index_past_the_real_gpus() -> None:
    count = torch.cuda.device_count()
    message = _message(f"cuda:{count}")
    assert f"torch sees {count} GPU" in message
    assert check_device(f"cuda:{count - 1}", cuda=True) == torch.device("cuda", count - 1)


def test_valid_values() -> None:
    assert check_device("cpu", cuda=True) == torch.device("cpu")
    assert check_device(" cpu ", cuda=True) == torch.device("cpu")
    assert check_device("auto", cuda=False) == torch.device("cpu")
    expected_auto = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    assert resolve_device("auto", cuda=True) == expected_auto


@pytest.mark.skipif(not NO_GPU, reason="needs a machine without a GPU")
def test_auto_falls_back_to_cpu_loudly(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert check_device("auto", cuda=True) == torch.device("cpu")
    assert "FALLING BACK TO CPU" in caplog.text


def test_the_key_is_named_as_given() -> None:
    with pytest.raises(DeviceError, match=r"^device='banana' is not a device"):
        resolve_device("banana", key="device")
