"""``runtime.compile``: unknown modes and CUDA graphs without CUDA fail before any work."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from embodichain_rl.config import ConfigError, validate_config
from embodichain_rl.trainer.run import run
from embodichain_rl.utils.compile import check_compile_mode
from tests.budgets import TINY_RUN


def test_unknown_mode_names_the_key_and_the_valid_modes(compose_train) -> None:
    cfg = compose_train("runtime.compile=fast")
    with pytest.raises(ConfigError) as info:
        validate_config(cfg)
    message = str(info.value)
    assert "runtime.compile" in message and "'fast'" in message
    assert all(mode in message for mode in ("none", "compile", "cudagraphs"))


def test_cudagraphs_on_cpu_is_refused_naming_the_alternative() -> None:
    with pytest.raises(
        ValueError, match=r"cudagraphs needs a CUDA device.*runtime\.compile=compile"
    ):
        check_compile_mode("cudagraphs", torch.device("cpu"))
    check_compile_mode("compile", torch.device("cpu"))


def test_cudagraphs_run_on_cpu_stops_before_writing_anything(compose_train, tmp_path: Path) -> None:
    cfg = compose_train(*TINY_RUN, "runtime.device=cpu", "runtime.compile=cudagraphs")
    with pytest.raises(ConfigError, match=r"runtime\.compile=cudagraphs"):
        run(cfg, tmp_path / "run")
    assert not (tmp_path / "run").exists()
