"""`embodichain-train`: compose a Hydra config and train."""

from __future__ import annotations

from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from embodichain_rl.config import register_configs
from embodichain_rl.trainer.run import run

register_configs()


@hydra.main(version_base="1.3", config_path="pkg://embodichain_rl.conf", config_name="train")
def main(cfg: DictConfig) -> float:
    """Train with the composed config; returns the final eval success rate (the objective)."""
    run_dir = Path(HydraConfig.get().runtime.output_dir)
    return run(cfg, run_dir).eval_success_rate


if __name__ == "__main__":
    main()
