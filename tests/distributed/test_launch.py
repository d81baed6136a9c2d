"""Per-rank settings read from the torchrun environment (no process group needed)."""

from __future__ import annotations

import pytest
import torch
from omegaconf import OmegaConf

from embodichain_rl.distributed import DistributedContext
from embodichain_rl.distributed.launch import rank_device, worker_hydra_overrides


def test_torchrun_variables_give_rank_and_world_size() -> None:
    ctx = DistributedContext.from_environ({"RANK": "3", "WORLD_SIZE": "4", "LOCAL_RANK": "1"})
    assert (ctx.rank, ctx.world_size, ctx.local_rank) == (3, 4, 1)
    assert ctx.enabled and not ctx.is_main
    single = DistributedContext.from_environ({})
    assert not single.enabled and single.is_main


def test_only_ranks_other_than_zero_silence_hydra_output() -> None:
    assert worker_hydra_overrides({}) == []
    assert worker_hydra_overrides({"RANK": "0", "WORLD_SIZE": "2"}) == []
    assert "hydra.output_subdir=null" in worker_hydra_overrides({"RANK": "1", "WORLD_SIZE": "2"})


def test_more_ranks_per_node_than_gpus_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    runtime = OmegaConf.create({"device": "auto", "cuda": True})
    ctx = DistributedContext(rank=1, world_size=2, local_rank=1)
    with pytest.raises(RuntimeError, match="only 1 GPU"):
        rank_device(runtime, ctx)
    first = DistributedContext(rank=0, world_size=2, local_rank=0)
    assert rank_device(runtime, first) == torch.device("cuda", 0)
