"""A resumed run continues the same (offline) Weights & Biases run id."""

from __future__ import annotations

from pathlib import Path

from embodichain_rl.trainer.checkpoint import load_checkpoint
from embodichain_rl.trainer.run import run
from tests.trainer.resume_helpers import TINY

WANDB = ["logging.use_wandb=true", "logging.wandb_mode=offline", "eval.freq=0"]


def test_resume_reuses_the_wandb_run_id(compose_train, tmp_path: Path) -> None:
    run(compose_train(*TINY, *WANDB, "runtime.iterations=1"), tmp_path / "a")
    saved = load_checkpoint(tmp_path / "a" / "checkpoints" / "last.pt")
    run_id = saved["wandb_run_id"]
    assert isinstance(run_id, str) and run_id
    resumed = compose_train(
        *TINY, *WANDB, "runtime.iterations=2", f"runtime.resume={tmp_path / 'a'}"
    )
    run(resumed, tmp_path / "b")
    assert load_checkpoint(tmp_path / "b" / "checkpoints" / "last.pt")["wandb_run_id"] == run_id
    assert list((tmp_path / "b" / "wandb").glob(f"offline-run-*-{run_id}"))
