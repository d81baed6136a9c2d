"""Exact resume: N+M iterations in one go == N iterations, stop, resume for M."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from embodichain_rl.trainer.checkpoint import load_checkpoint
from embodichain_rl.trainer.run import run
from tests.trainer.resume_helpers import TIMING_TAGS, TINY, scalars

# The linear LR schedule's horizon is pinned so both halves decay over the same 6 updates;
# eval every 3 iterations puts an evaluation (and best.pt) at the stop point in both runs.
# Reward scaling and value normalisation are on: their running statistics must resume too.
EXACT = [
    *TINY,
    "eval.freq=3",
    "algorithm.lr_schedule=linear",
    "algorithm.total_updates=6",
    "algorithm.normalize_reward=true",
    "algorithm.normalize_value=true",
]


@pytest.fixture(scope="module")
def three_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from hydra import compose, initialize_config_module

    from embodichain_rl.config import register_configs

    register_configs()
    root = tmp_path_factory.mktemp("resume")
    dirs = {name: root / name for name in ("one_go", "first", "resumed")}
    with initialize_config_module(config_module="embodichain_rl.conf", version_base="1.3"):
        run(compose("train", [*EXACT, "runtime.iterations=6"]), dirs["one_go"])
        run(compose("train", [*EXACT, "runtime.iterations=3"]), dirs["first"])
        resumed = compose("train", [*EXACT, "runtime.iterations=6", f"runtime.resume={root}/first"])
        run(resumed, dirs["resumed"])
    return dirs


def test_resumed_parameters_and_optimizer_are_bit_identical(three_runs: dict[str, Path]) -> None:
    one_go = load_checkpoint(three_runs["one_go"] / "checkpoints" / "last.pt")
    resumed = load_checkpoint(three_runs["resumed"] / "checkpoints" / "last.pt")
    assert (resumed["iteration"], resumed["global_step"]) == (6, 6 * 8 * 8)
    assert one_go["policy"].keys() == resumed["policy"].keys()
    assert "obs_normalizer.count" in one_go["policy"]
    for key, value in one_go["policy"].items():
        assert torch.equal(value, resumed["policy"][key]), key
    assert one_go["algorithm"]["update_count"] == resumed["algorithm"]["update_count"] == 6
    assert torch.equal(one_go["algorithm"]["generator"], resumed["algorithm"]["generator"])
    for index, state in one_go["algorithm"]["optimizer"]["state"].items():
        other = resumed["algorithm"]["optimizer"]["state"][index]
        assert torch.equal(state["exp_avg"], other["exp_avg"])
        assert torch.equal(state["exp_avg_sq"], other["exp_avg_sq"])
    assert torch.equal(one_go["rng"]["torch"], resumed["rng"]["torch"])
    for part in ("reward_scaler", "value_normalizer"):
        saved, again = tensors(one_go["algorithm"][part]), tensors(resumed["algorithm"][part])
        assert saved.keys() == again.keys()
        assert "returns" in saved or "count" in saved
        for key, value in saved.items():
            assert torch.equal(value, again[key]), (part, key)
    for key, value in one_go["env"].items():
        assert torch.equal(value, resumed["env"][key]), key


def test_logged_metrics_continue_exactly(three_runs: dict[str, Path]) -> None:
    one_go = scalars(three_runs["one_go"])
    first = scalars(three_runs["first"])
    resumed = scalars(three_runs["resumed"])
    assert min(step for series in resumed.values() for step, _ in series) > 3 * 64
    compared = set(one_go) - TIMING_TAGS
    assert {"train/lr", "train/loss", "eval/success_rate", "charts/iteration"} <= compared
    for tag in compared:
        assert first.get(tag, []) + resumed.get(tag, []) == one_go[tag], tag


def test_resume_keeps_best_so_far_and_writes_its_own_directory(
    three_runs: dict[str, Path],
) -> None:
    first = load_checkpoint(three_runs["first"] / "checkpoints" / "last.pt")
    resumed_dir = three_runs["resumed"]
    assert (resumed_dir / "checkpoints" / "best.pt").is_file()
    resumed = load_checkpoint(resumed_dir / "checkpoints" / "last.pt")
    best = resumed["callbacks"]["evaluation"]["best_value"]
    assert best >= first["callbacks"]["evaluation"]["best_value"]
    assert resumed["config"]["runtime"]["resume"].endswith("first")
    for run_dir in three_runs.values():
        assert (run_dir / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def tensors(state: dict, prefix: str = "") -> dict[str, torch.Tensor]:
    """Every tensor of a nested state dict, by dotted key."""
    flat: dict[str, torch.Tensor] = {}
    for key, value in state.items():
        if isinstance(value, dict):
            flat.update(tensors(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat
