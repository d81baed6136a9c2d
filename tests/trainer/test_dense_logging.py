"""logging.log_dense writes per-step curves at per-step x-values, once per iteration."""

from __future__ import annotations

from pathlib import Path

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from embodichain_rl.trainer.run import run


def test_dense_curves_have_one_point_per_env_step(compose_train, tmp_path: Path) -> None:
    num_envs, steps, iterations = 4, 5, 2
    cfg = compose_train(
        f"env.num_envs={num_envs}",
        f"runtime.rollout_steps={steps}",
        f"runtime.iterations={iterations}",
        "eval.num_envs=2",
        "runtime.device=cpu",
        "logging.progress_bar=false",
        "logging.log_dense=true",
        "algorithm.num_minibatches=2",
        "algorithm.n_epochs=1",
    )
    run(cfg, tmp_path)
    accumulator = EventAccumulator(str(tmp_path / "logs"))
    accumulator.Reload()
    tags = set(accumulator.Tags()["scalars"])
    for term in ("reaching", "place", "place_penalty", "action_penalty", "success"):
        assert f"dense/rewards/{term}" in tags
    assert "dense/metrics/distance_to_goal" in tags
    reaching = accumulator.Scalars("dense/rewards/reaching")
    expected_steps = [num_envs * (t + 1) for t in range(steps * iterations)]
    assert [event.step for event in reaching] == expected_steps
    # The reaching term is weight 0.1 times a value in (0, 1]: its batch mean is too.
    assert all(0.0 < event.value <= 0.1 for event in reaching)
