"""`embodichain-eval` on a short-trained checkpoint: JSON fields, interval, GIF video,
held-out seeds, multirun, and nothing written for Hydra in the working directory."""

from __future__ import annotations

import json
import math
from pathlib import Path

import torch
from PIL import Image

from embodichain_rl.cli.eval import evaluate_checkpoint
from embodichain_rl.config.apps import EvalAppConfig
from embodichain_rl.trainer.evaluator import Evaluator
from embodichain_rl.trainer.restore import restore_policy
from tests.cli.conftest import run_cli

TRAIN_SEED = 42
"""``runtime.seed`` of the tiny runs (the default)."""


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    p = successes / n
    centre = (2 * n * p + z * z) / (2 * (n + z * z))
    half = z * math.sqrt(z * z + 4 * n * p * (1 - p)) / (2 * (n + z * z))
    return centre - half, centre + half


def test_eval_cli_writes_json_and_an_animated_gif(trained_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "eval"
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    result = run_cli(
        "eval",
        f"checkpoint={trained_run}",
        "num_episodes=6",
        "video=true",
        "video_episodes=2",
        "env.max_episode_steps=12",
        f"out={out}",
        cwd=cwd,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "success rate" in result.stdout
    assert list(cwd.iterdir()) == []  # no outputs/, .hydra/ or log file from Hydra
    report = json.loads((out / "eval.json").read_text())
    assert report["checkpoint"] == str(trained_run / "checkpoints" / "last.pt")
    assert report["episodes"] == 6
    assert report["iteration"] == 2
    assert report["overrides"] == {"env.max_episode_steps": 12}
    assert 1 <= report["episode_length_mean"] <= 12
    assert report["return_std"] >= 0
    successes = round(report["success_rate"] * 6)
    assert math.isclose(successes / 6, report["success_rate"], abs_tol=1e-9)
    low, high = report["success_ci95"]
    expected_low, expected_high = wilson(successes, 6)
    assert math.isclose(low, max(0.0, expected_low), abs_tol=1e-9)
    assert math.isclose(high, min(1.0, expected_high), abs_tol=1e-9)
    assert low <= report["success_rate"] <= high

    video = Path(report["video"])
    assert video == out / "eval.gif"
    assert 1 < report["video_frames"] <= 2 * 12
    with Image.open(video) as gif:
        assert gif.format == "GIF"
        assert gif.is_animated
        # Pillow merges identical consecutive frames, adding up their display times.
        durations = []
        for index in range(gif.n_frames):
            gif.seek(index)
            durations.append(gif.info["duration"])
    assert sum(durations) == report["video_frames"] * 40  # 25 fps


def test_default_seeds_are_held_out_from_the_training_evaluation(
    trained_run: Path, tmp_path: Path
) -> None:
    report = evaluate_checkpoint(
        EvalAppConfig(checkpoint=str(trained_run), num_episodes=3, out=str(tmp_path / "a"))
    )
    assert report["seed"] == TRAIN_SEED + 20_000
    assert report["seed_source"] == "held-out"
    assert report["training_eval_seed"] == TRAIN_SEED + 10_000
    saved = json.loads((tmp_path / "a" / "eval.json").read_text())
    assert saved["seed"] == TRAIN_SEED + 20_000 and saved["seed_source"] == "held-out"

    # The figure is the Evaluator's on exactly those seeds, computed independently here.
    restored = restore_policy(trained_run, device=torch.device("cpu"), num_envs=3)
    expected = Evaluator(env=restored.env, seed=TRAIN_SEED + 20_000).evaluate(restored.policy)
    assert math.isclose(report["return_mean"], expected.return_mean, rel_tol=1e-6)

    in_sample = evaluate_checkpoint(
        EvalAppConfig(
            checkpoint=str(trained_run),
            num_episodes=3,
            seed=TRAIN_SEED + 10_000,
            out=str(tmp_path / "b"),
        )
    )
    assert in_sample["seed_source"] == "training-eval"
    given = evaluate_checkpoint(
        EvalAppConfig(checkpoint=str(trained_run), num_episodes=3, seed=7, out=str(tmp_path / "c"))
    )
    assert (given["seed"], given["seed_source"]) == (7, "given")


def test_the_printed_report_says_the_seeds_are_held_out(trained_run: Path, tmp_path: Path) -> None:
    result = run_cli(
        "eval", f"checkpoint={trained_run}", "num_episodes=2", f"out={tmp_path}", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seed_line = next(line for line in result.stdout.splitlines() if "seed" in line)
    assert str(TRAIN_SEED + 20_000) in seed_line and "held out" in seed_line
    assert str(TRAIN_SEED + 10_000) in seed_line  # and names the seeds it avoided


def test_default_out_dir_is_under_the_run_and_multirun_writes_one_report_per_job(
    trained_run: Path, tmp_path: Path
) -> None:
    checkpoints = trained_run / "checkpoints"
    result = run_cli(
        "eval",
        "-m",
        f"checkpoint={checkpoints / 'last.pt'},{checkpoints / 'best.pt'}",
        "num_episodes=2",
        "env.max_episode_steps=3",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert list(tmp_path.iterdir()) == []  # no multirun/ dir in the working directory
    for stem in ("last", "best"):
        (report_file,) = (trained_run / "eval" / stem).glob("*/eval.json")
        assert report_file.parent.name == "env.max_episode_steps=3,num_episodes=2"
        report = json.loads(report_file.read_text())
        assert report["checkpoint"] == str(checkpoints / f"{stem}.pt")
        assert report["episodes"] == 2


def test_a_non_checkpoint_is_refused_in_one_line_and_nothing_is_written(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.pt"
    bogus.write_text("not a checkpoint")
    result = run_cli("eval", f"checkpoint={bogus}", cwd=tmp_path)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("embodichain-eval: error: ") and str(bogus) in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bogus.pt"]


def test_an_unknown_option_is_named_with_a_suggestion(tmp_path: Path) -> None:
    result = run_cli("eval", "checkpoint=X", "num_episodez=3", cwd=tmp_path)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "'num_episodez'" in line and "did you mean 'num_episodes'" in line
    assert list(tmp_path.iterdir()) == []


def test_a_value_of_the_wrong_type_or_range_is_named(tmp_path: Path) -> None:
    for arg, expected in (("num_episodes=many", "num_episodes=many"), ("seed=-1", "seed")):
        result = run_cli("eval", "checkpoint=X", arg, cwd=tmp_path)
        assert result.returncode == 2, arg
        (line,) = result.stderr.strip().splitlines()
        assert expected in line, line


def test_an_env_key_the_checkpoint_lacks_is_named_with_a_suggestion(trained_run: Path) -> None:
    result = run_cli("eval", f"checkpoint={trained_run}", "env.control_mod=ee_delta_pos")
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "env.control_mod" in line and "did you mean 'control_mode'" in line


def test_env_overrides_change_the_rebuilt_env(trained_run: Path, tmp_path: Path) -> None:
    report = evaluate_checkpoint(
        EvalAppConfig(
            checkpoint=str(trained_run),
            num_episodes=2,
            env={"max_episode_steps": 5},
            out=str(tmp_path),
        )
    )
    assert report["episode_length_mean"] <= 5
    assert report["overrides"] == {"env.max_episode_steps": 5}


def test_help_lists_every_option_with_its_default() -> None:
    result = run_cli("eval", "--help")
    assert result.returncode == 0, result.stderr
    options = {
        "checkpoint": "required",
        "num_episodes": "100",
        "seed": "null",
        "video": "false",
        "video_episodes": "3",
        "device": "auto",
        "out": "null",
        "env": "{}",
    }
    for name, default in options.items():
        row = next((x for x in result.stdout.splitlines() if x.startswith(f"  {name} ")), None)
        assert row is not None, name
        assert f"[{default}]" in row and len(row.split("]", 1)[1].strip()) > 10, row
