"""`embodichain-train`: compose a Hydra config and train (``--json FILE``: a legacy config)."""

from __future__ import annotations

from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from embodichain_rl.cli.json_entry import run_with_json
from embodichain_rl.config import register_configs
from embodichain_rl.trainer.run import run

register_configs()


@hydra.main(version_base="1.3", config_path="pkg://embodichain_rl.conf", config_name="train")
def train(cfg: DictConfig) -> float:
    """Train with the composed config; returns the final eval success rate (the objective)."""
    run_dir = Path(HydraConfig.get().runtime.output_dir)
    return run(cfg, run_dir).eval_success_rate


def main() -> None:
    """Console entry point: ``--json FILE`` becomes that file's overrides, then Hydra runs."""
    run_with_json(train)


if __name__ == "__main__":
    main()
