"""``runtime.compile=auto``: eager without a compiler or for a short run, compiled when the
rest of the run pays a cold compilation back; the log line says which and why."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from embodichain_rl.trainer.compile_choice import (
    COMPILE_SECONDS,
    EXPECTED_SPEEDUP,
    choose_compile_mode,
)
from embodichain_rl.trainer.trainer import Trainer
from embodichain_rl.utils.compile import compiler_problem
from tests.budgets import TINY_RUN

PPO_MODES = ("none", "compile", "cudagraphs")


def eager_auto_choices(
    iterations: int, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> list[str]:
    """Train a tiny run with ``runtime.compile=auto``, check it ran eager, and return the
    ``runtime.compile=auto`` log lines."""
    caplog.set_level(logging.INFO, logger="embodichain_rl")
    overrides = [*TINY_RUN, f"runtime.iterations={iterations}", "runtime.compile=auto"]
    with Trainer.from_overrides(overrides, run_dir=tmp_path / "run") as trainer:
        trainer.learn()
        assert trainer.algorithm.compile_mode == "none"
    return [r.getMessage() for r in caplog.records if "runtime.compile=auto" in r.getMessage()]


def test_auto_compiles_only_when_the_saving_exceeds_the_compile_cost() -> None:
    # Saving = eager * (1 - 1/1.4) = eager * 2/7; it equals 60 s at eager = 210 s.
    assert COMPILE_SECONDS == 60.0 and EXPECTED_SPEEDUP == 1.4
    long = choose_compile_mode(
        supported=PPO_MODES, compiler=None, iteration_s=1.0, remaining_iterations=211
    )
    short = choose_compile_mode(
        supported=PPO_MODES, compiler=None, iteration_s=1.0, remaining_iterations=209
    )
    assert long.mode == "compile" and "about 211 s eager" in long.reason
    assert short.mode == "none" and short.reason.startswith("too short to pay back")


def test_auto_stays_eager_without_a_compiler_or_a_compiled_path() -> None:
    missing = choose_compile_mode(
        supported=PPO_MODES, compiler="no C++ compiler", iteration_s=10.0, remaining_iterations=1000
    )
    assert (missing.mode, missing.reason) == ("none", "no C++ compiler")
    no_path = choose_compile_mode(
        supported=("none",), compiler=None, iteration_s=10.0, remaining_iterations=1000
    )
    assert no_path.mode == "none" and "no compiled path" in no_path.reason


def test_compiler_problem_names_the_missing_cpp_compiler(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no g++, c++, clang++
    monkeypatch.delenv("CXX", raising=False)
    problem = compiler_problem("cpu")
    assert problem is not None and "C++ compiler" in problem and "CXX" in problem
    compiler = tmp_path / "my-g++"
    compiler.write_text("#!/bin/sh\n")
    compiler.chmod(0o755)
    monkeypatch.setenv("CXX", "my-g++")
    assert compiler_problem("cpu") is None


def test_trainer_falls_back_to_eager_with_one_log_line_when_no_compiler_is_found(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("CXX", raising=False)
    choices = eager_auto_choices(2, tmp_path, caplog)
    assert choices == [
        "runtime.compile=auto: eager (no C++ compiler found for torch.compile on CPU "
        "(set CXX or install g++))"
    ]


def test_trainer_stays_eager_for_a_short_run_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    choices = eager_auto_choices(3, tmp_path, caplog)
    assert len(choices) == 1
    reason = "too short to pay back" if compiler_problem("cpu") is None else "compiler"
    assert choices[0].startswith("runtime.compile=auto: eager (") and reason in choices[0]
    assert "remaining 2 iterations" in choices[0] or reason == "compiler"
