"""Two gloo ranks stay in lockstep and compute the update of their data put together."""

from __future__ import annotations

from pathlib import Path

import torch
import torch.multiprocessing as mp

from tests.distributed import workers


def test_parameters_bit_identical_on_both_ranks_after_several_updates(tmp_path: Path) -> None:
    mp.spawn(workers.train_several_updates, args=(tmp_path,), nprocs=2, join=True)
    rank0, rank1 = torch.load(tmp_path / "gathered.pt")
    assert not torch.equal(rank0["rollout"], rank1["rollout"]), "ranks saw the same data"
    assert torch.equal(rank0["initial"], rank1["initial"]), "rank 0's init was not broadcast"
    assert not torch.equal(rank0["state"], rank0["initial"]), "training changed nothing"
    assert torch.equal(rank0["state"], rank1["state"])


def test_two_rank_update_equals_single_process_update_on_both_batches(tmp_path: Path) -> None:
    mp.spawn(workers.update_on_own_slice, args=(tmp_path,), nprocs=2, join=True)
    ranks = [torch.load(tmp_path / f"rank{r}.pt") for r in range(2)]
    together = workers.one_update(workers.fixed_rollout())
    rank0_alone = workers.one_update(workers.fixed_rollout().envs(0, workers.N_PER_RANK))
    for key in ("params", "grads", "normalizer", "value_stats"):
        assert torch.equal(ranks[0][key], ranks[1][key]), key
        torch.testing.assert_close(ranks[0][key], together[key], rtol=1e-4, atol=1e-6)
    assert not torch.allclose(rank0_alone["params"], together["params"], rtol=1e-4, atol=1e-6)


def test_two_rank_reward_scaling_equals_one_process_over_both_ranks_envs(tmp_path: Path) -> None:
    """The running return statistics merge both ranks every step: each rank's scaled rewards
    are the matching columns of one scaler over all envs, and the statistics are equal."""
    mp.spawn(workers.scale_own_slice, args=(tmp_path,), nprocs=2, join=True)
    ranks = [torch.load(tmp_path / f"rank{r}.pt") for r in range(2)]
    together = workers.scale_rewards(workers.fixed_rollout())
    rank0_alone = workers.scale_rewards(workers.fixed_rollout().envs(0, workers.N_PER_RANK))
    n = workers.N_PER_RANK
    for rank, result in enumerate(ranks):
        columns = slice(rank * n, (rank + 1) * n)
        torch.testing.assert_close(result["scaled"], together["scaled"][:, columns])
        torch.testing.assert_close(result["returns"], together["returns"][columns])
        torch.testing.assert_close(result["stats"], together["stats"])
    assert not torch.allclose(rank0_alone["scaled"], together["scaled"][:, :n])
