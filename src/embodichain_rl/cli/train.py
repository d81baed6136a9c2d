"""`embodichain-train`: compose a Hydra config and train (``--json FILE``: a legacy config)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from embodichain_rl.cli.json_entry import run_with_json
from embodichain_rl.config import register_configs
from embodichain_rl.distributed.launch import distributed_job, worker_hydra_overrides
from embodichain_rl.sweep.job import run_recorded
from embodichain_rl.sweep.plugins import missing_plugin_hint
from embodichain_rl.sweep.threads import share_cpu_threads
from embodichain_rl.trainer.run import run

EXIT_MISSING_PLUGIN = 2
"""Exit status when the command line picks a Hydra plugin that is not installed."""

register_configs()


@hydra.main(version_base="1.3", config_path="pkg://embodichain_rl.conf", config_name="train")
def train(cfg: DictConfig) -> float:
    """Train with the composed config; returns the final eval success rate (the objective).

    Writes ``status.json`` (and ``error.txt`` on failure) into the run dir; in a sweep a
    failed job returns ``-inf`` instead of raising, so the other jobs still run. Under
    ``torchrun`` every rank trains in rank 0's run dir and only rank 0 records."""
    hydra_cfg = HydraConfig.get()
    run_dir = Path(hydra_cfg.runtime.output_dir)
    in_sweep = hydra_cfg.mode == RunMode.MULTIRUN
    if in_sweep:
        share_cpu_threads(cfg, hydra_cfg.launcher)
    with distributed_job(cfg.runtime, run_dir) as (distributed, shared_dir):

        def job() -> float:
            return run(cfg, shared_dir, distributed).eval_success_rate

        if not distributed.is_main:
            return job()
        return run_recorded(job, shared_dir, in_sweep=in_sweep)


def main() -> None:
    """Console entry point: ``--json FILE`` becomes that file's overrides, then Hydra runs."""
    hint = missing_plugin_hint(sys.argv[1:])
    if hint is not None:
        print(f"error: {hint}", file=sys.stderr)
        sys.exit(EXIT_MISSING_PLUGIN)
    sys.argv.extend(worker_hydra_overrides(os.environ))
    run_with_json(train)


if __name__ == "__main__":
    main()
