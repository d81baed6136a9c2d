"""Hostile legacy files (absurd nesting, enormous size, a FIFO) get one clear problem
naming the file, quickly, instead of a RecursionError, a memory blow-up or a hang."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from embodichain_rl.config import LegacyConfigError, load_json_config
from embodichain_rl.config.legacy.reader import MAX_BYTES, MAX_DEPTH
from tests.config.legacy_helpers import REPO_SHAPE, tutorial_data, write_json

LEVELS = 100_000


def _only_problem(path: Path, source: Path | None = None) -> str:
    start = time.monotonic()
    with pytest.raises(LegacyConfigError) as info:
        load_json_config(source or path)
    assert time.monotonic() - start < 20, "took too long to refuse the file"
    (problem,) = info.value.problems
    assert problem.startswith(f"{path}: ")
    assert "\n" not in problem
    return problem


@pytest.mark.parametrize(
    "nested",
    [
        "[" * LEVELS + "]" * LEVELS,
        '{"a": ' * LEVELS + "1" + "}" * LEVELS,
    ],
    ids=["arrays", "objects"],
)
def test_100000_levels_of_nesting(tmp_path: Path, nested: str) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"runtime": {"imports": ' + nested + "}}", encoding="utf-8")
    problem = _only_problem(path)
    assert f"nested deeper than {MAX_DEPTH} levels" in problem


def test_nesting_json_can_parse_but_is_still_absurd(tmp_path: Path) -> None:
    """A few hundred levels parse without a RecursionError, and are refused all the same."""
    levels = 3 * MAX_DEPTH
    path = tmp_path / "deep.json"
    path.write_text('{"env": {"cfg": ' + "[" * levels + "]" * levels + "}}", encoding="utf-8")
    assert f"nested deeper than {MAX_DEPTH} levels" in _only_problem(path)


def test_nesting_at_the_limit_is_judged_on_content(tmp_path: Path) -> None:
    data = tutorial_data()
    data["runtime"]["imports"] = [[[]]]  # depth 5 in all: a type error, not a depth error
    problem = _only_problem(write_json(tmp_path / "c.json", data))
    assert "runtime.imports: wrong type: expected list of string" in problem


def test_deep_gym_file_is_named(tmp_path: Path) -> None:
    train = json.loads(REPO_SHAPE.read_text(encoding="utf-8"))
    gym = tmp_path / "gym_config.json"
    gym.write_text('{"env": ' + "[" * LEVELS + "]" * LEVELS + "}", encoding="utf-8")
    source = write_json(tmp_path / "train_config.json", train)
    assert "nested deeper than" in _only_problem(gym, source)


def test_enormous_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(4 * 2**30)  # sparse: 4 GiB that take no disk space
    problem = _only_problem(path)
    assert "file too large (4096.0 MiB)" in problem
    assert f"at most {MAX_BYTES // 2**20} MiB" in problem


def test_large_valid_json_is_refused(tmp_path: Path) -> None:
    data = tutorial_data()
    data["runtime"]["exp_name"] = "x" * MAX_BYTES
    problem = _only_problem(write_json(tmp_path / "big.json", data))
    assert "file too large" in problem


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_a_named_pipe_does_not_hang(tmp_path: Path) -> None:
    path = tmp_path / "pipe.json"
    os.mkfifo(path)
    assert "not a regular file" in _only_problem(path)


def test_cli_prints_one_error_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"runtime": ' + "[" * LEVELS + "]" * LEVELS + "}", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "embodichain_rl.cli.train", "--json", str(path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "WANDB_MODE": "offline"},
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "RecursionError" not in result.stderr
    assert f"{path}: <top level>: objects and arrays nested deeper than" in result.stderr
    assert not (tmp_path / "outputs").exists()
