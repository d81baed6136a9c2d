"""`embodichain-train`: compose a Hydra config and train (``--json FILE``: a legacy config).

Before Hydra creates a run directory, the command line is checked as the job would check
it (schema, ranges, device, imports, resumed checkpoint, run directory): bad input prints
one line and exits 2, with nothing written (``HYDRA_FULL_ERROR=1`` shows the traceback).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from embodichain_rl.cli.json_entry import EXIT_BAD_CONFIG, expand_json_flag
from embodichain_rl.cli.preflight import check_command_line
from embodichain_rl.config import register_configs
from embodichain_rl.config.aliases import rewrite_moved_keys
from embodichain_rl.distributed.launch import distributed_job, worker_hydra_overrides
from embodichain_rl.sweep.job import run_recorded
from embodichain_rl.sweep.plugins import missing_plugin_hint
from embodichain_rl.sweep.threads import share_cpu_threads
from embodichain_rl.trainer.resume import keep_exp_name
from embodichain_rl.trainer.run import run

EXIT_MISSING_PLUGIN = 2
"""Exit status when the command line picks a Hydra plugin that is not installed."""

register_configs()


@hydra.main(version_base="1.3", config_path="pkg://embodichain_rl.conf", config_name="train")
def train(cfg: DictConfig) -> float:
    """Train with the composed config; returns the final eval objective (success rate, or
    the eval metric ``best.pt`` is ranked by).

    Writes ``status.json`` (and ``error.txt`` on failure) into the run dir; in a sweep a
    failed job returns ``-inf`` instead of raising, so the other jobs still run. Under
    ``torchrun`` every rank trains in rank 0's run dir and only rank 0 records."""
    hydra_cfg = HydraConfig.get()
    run_dir = Path(hydra_cfg.runtime.output_dir)
    in_sweep = hydra_cfg.mode == RunMode.MULTIRUN
    overrides = list(hydra_cfg.overrides.task)
    if in_sweep:
        share_cpu_threads(cfg, hydra_cfg.launcher)
    with distributed_job(cfg.runtime, run_dir) as (distributed, shared_dir):

        def job() -> float:
            return run(cfg, shared_dir, distributed, overrides).objective

        if not distributed.is_main:
            return job()
        return run_recorded(job, shared_dir, in_sweep=in_sweep)


def main(json_flag: str = "--json") -> None:
    """Console entry point: ``--json FILE`` (or ``json_flag FILE``) becomes that file's
    overrides, moved ``runtime.*`` keys are renamed, the command line is checked, then Hydra
    runs."""
    args = sys.argv[1:]
    hint = missing_plugin_hint(args)
    if hint is not None:
        print(f"error: {hint}", file=sys.stderr)
        sys.exit(EXIT_MISSING_PLUGIN)
    args = [*expand_json_flag(args, json_flag), *worker_hydra_overrides(os.environ)]
    args = keep_exp_name(rewrite_moved_keys(args))
    problem = check_command_line(args)
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        sys.exit(EXIT_BAD_CONFIG)
    sys.argv = [sys.argv[0], *args]
    train()


if __name__ == "__main__":
    main()
