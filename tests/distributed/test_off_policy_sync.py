"""Two gloo ranks of SAC / TD3: different data and exploration, one learner state."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
import torch.multiprocessing as mp

from tests.distributed import workers

ITERATIONS, ROLLOUT_STEPS, ENVS_PER_RANK = 6, 2, 4
"""What ``workers.train_off_policy`` runs on each rank."""


@pytest.mark.parametrize("experiment", ["push_cube_sac", "push_cube_td3"])
def test_ranks_share_one_learner_state_from_different_data(tmp_path: Path, experiment: str) -> None:
    mp.spawn(workers.train_off_policy, args=(tmp_path, experiment), nprocs=2, join=True)
    rank0, rank1 = torch.load(tmp_path / "gathered.pt")
    per_rank = ITERATIONS * ROLLOUT_STEPS * ENVS_PER_RANK
    for rank in (rank0, rank1):
        assert int(rank["transitions"]) == per_rank
        assert int(rank["gradient_steps"]) > 0, "the learner never started"
    assert not torch.equal(rank0["warmup_actions"], rank1["warmup_actions"]), (
        "both ranks drew the same warm-up actions"
    )
    assert not torch.equal(rank0["replay"], rank1["replay"]), "ranks saw the same data"
    assert torch.equal(rank0["initial"], rank1["initial"]), "rank 0's init was not broadcast"
    assert not torch.equal(rank0["state"], rank0["initial"]), "training changed nothing"
    assert torch.equal(rank0["state"], rank1["state"]), "the policies (or normalisers) drifted"
    assert torch.equal(rank0["target"], rank1["target"]), "the target critics drifted"
    # The normaliser has folded in every transition of both ranks, not just its own.
    assert float(rank0["normalizer_count"]) == 2 * per_rank
