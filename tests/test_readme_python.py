"""The README's Python example runs as written from an empty directory, and the policy it
saved acts bit for bit the same when loaded in another process."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"

SAVE_ACTIONS = """
import torch
torch.save({"obs": obs, "loaded": action, "trained": trainer.policy.act_deterministic(obs)},
           "actions.pt")
"""
"""Appended to the example: the actions of the loaded and of the trained policy."""

COMPARE_IN_NEW_PROCESS = """
import torch
from embodichain_rl import load_policy
saved = torch.load("actions.pt")
policy = load_policy("runs/api", device="cpu")
again = policy(saved["obs"])
assert torch.equal(again, saved["loaded"]), "reloaded policy acts differently"
assert torch.equal(again, saved["trained"]), "loaded policy differs from the trained one"
print("same actions", tuple(again.shape))
"""


def python_example() -> str:
    """The first ```python block under '## Python API'."""
    section = README.read_text().split("## Python API", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, flags=re.S)
    assert match, "README has no Python example under '## Python API'"
    return match.group(1)


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "WANDB_MODE": "offline"},
    )


def test_readme_python_example_trains_evaluates_and_acts_the_same_after_loading(
    tmp_path: Path,
) -> None:
    example = python_example()
    trained = _python(
        example.replace("trainer.close()", SAVE_ACTIONS + "trainer.close()"), tmp_path
    )
    assert trained.returncode == 0, trained.stderr[-3000:]
    assert (tmp_path / "runs" / "api" / "summary.json").is_file()
    assert "EvalResult(episodes=8" in trained.stdout
    compared = _python(COMPARE_IN_NEW_PROCESS, tmp_path)
    assert compared.returncode == 0, compared.stderr[-3000:]
    assert "same actions (4, 6)" in compared.stdout
