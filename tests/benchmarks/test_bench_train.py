"""``embodichain-bench train`` and the reference PPO loop run end to end (tiny, no timing)."""

from __future__ import annotations

import ast
import inspect
import math
import re

import pytest

from embodichain_rl.bench import reference_ppo
from embodichain_rl.cli.bench import main

NUMBER = r"[-+]?[\d,]*\.?\d+"


def test_train_subcommand_reports_positive_figures_and_ratios(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["train", "--num-envs", "64", "--iterations", "2", "--warmup", "1"]
    assert main([*argv, "--device", "cpu", "--threads", "1", "--compile", "none", "compile"]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if "end-to-end" in line and "steps/s" in line]
    names = [row.split()[0] for row in rows]
    assert names == ["framework[none]", "framework[compile]", "reference"]
    for row in rows:
        figures = [float(x.replace(",", "")) for x in re.findall(NUMBER, row)]
        assert figures and all(math.isfinite(x) and x > 0 for x in figures)
    for mode in ("none", "compile"):
        pattern = rf"ratio framework\[{mode}\]/reference end-to-end: ({NUMBER})"
        ratio = re.search(pattern, out)
        assert ratio is not None and float(ratio.group(1)) > 0, mode


def test_reference_loop_runs_one_iteration_with_finite_losses() -> None:
    args = reference_ppo.Args(num_envs=16, num_steps=8, iterations=2, minibatch_size=32)
    ppo = reference_ppo.ReferencePPO(args)
    ppo.rollout()
    ppo.update()
    assert ppo.iteration == 1
    for name in ("policy_loss", "value_loss", "entropy", "approx_kl", "clipfrac"):
        assert math.isfinite(ppo.stats[name]), name
    assert ppo.stats["value_loss"] >= 0.0


def test_time_to_success_stops_at_the_first_eval_reaching_the_target(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["train", "--num-envs", "16", "--iterations", "1", "--warmup", "0", "--device", "cpu"]
    tts = ["--time-to-success", "--target", "0.0", "--eval-freq", "1", "--tts-override"]
    small = ["env.num_envs=64", "eval.num_envs=8", "runtime.iterations=3"]
    assert main([*argv, *tts, *small]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("time to eval success >= 0.0"))
    assert "1,024 env steps" in line


def test_reference_loop_shares_no_framework_code_but_the_env() -> None:
    tree = ast.parse(inspect.getsource(reference_ppo))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    framework = {name for name in imported if name.split(".")[0] == "embodichain_rl"}
    assert framework == {"embodichain_rl.envs"}
