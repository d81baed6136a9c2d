"""``+experiment=push_cube_gpu`` composes into a valid GPU run and is refused on a CPU."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from embodichain_rl.config import ConfigError, validate_config
from embodichain_rl.trainer.run import run


def test_preset_is_a_valid_cuda_graph_run_with_whole_minibatches(compose_train) -> None:
    cfg = compose_train("+experiment=push_cube_gpu")
    typed = validate_config(cfg)
    assert typed.runtime.compile == "cudagraphs" and typed.runtime.device == "cuda"
    samples = typed.runtime.rollout_steps * typed.env.num_envs
    assert samples % typed.algorithm.num_minibatches == 0
    assert typed.algorithm.num_minibatches >= 2  # several minibatches per epoch


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the refusal without a GPU")
def test_preset_without_a_gpu_stops_before_writing_anything(compose_train, tmp_path: Path) -> None:
    cfg = compose_train("+experiment=push_cube_gpu")
    with pytest.raises(ConfigError, match=r"runtime\.device=.cuda.*no GPU"):
        run(cfg, tmp_path / "run")
    assert not (tmp_path / "run").exists()
