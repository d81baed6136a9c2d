"""A real Weights & Biases run in offline mode (no account, no network)."""

from __future__ import annotations

from pathlib import Path

from embodichain_rl.trainer.run import run


def test_offline_wandb_run_writes_its_files(compose_train, tmp_path: Path) -> None:
    cfg = compose_train(
        "env.num_envs=4",
        "runtime.iterations=1",
        "runtime.rollout_steps=4",
        "eval.num_envs=2",
        "runtime.device=cpu",
        "logging.progress_bar=false",
        "logging.use_wandb=true",
        "logging.wandb_mode=offline",
        "algorithm.num_minibatches=2",
        "algorithm.n_epochs=1",
    )
    summary = run(cfg, tmp_path)
    assert summary.iterations == 1
    offline_runs = list((tmp_path / "wandb").glob("offline-run-*"))
    assert len(offline_runs) == 1
    assert list(offline_runs[0].glob("*.wandb")), "wandb wrote no run file"
